"""Core of the domain: store, clock, i18n, operators, settings, audit, alert and command types, printing primitives."""
