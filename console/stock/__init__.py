"""Stock: the thermometer ledger, hand-outs, lent guns, stock-take."""
