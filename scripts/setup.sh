#!/usr/bin/env bash
# What the machine needs besides Python, installed when it is missing.
#
#   bash scripts/setup.sh           the console: a Chinese font (printing slips and sheets)
#   bash scripts/setup.sh --tests   also tmux and OpenSSH for the end-to-end tests
#
# As root with apt-get, what is missing is installed (apt-get update runs only
# then). Otherwise each missing thing gets one line naming the package and the
# command, and the set-up carries on: without the font the console refuses to
# print and says so; the tests that need the font or tmux are skipped.
set -uo pipefail

tests=0
[ "${1:-}" = "--tests" ] && tests=1
zh=0
case "${LANG:-}" in zh*) zh=1 ;; esac

say() {  # say ZH EN: one line in the user's language
    if [ "$zh" = 1 ]; then echo "$1" >&2; else echo "$2" >&2; fi
}

has_font() { [ -n "$(fc-list ':lang=zh-cn' file 2>/dev/null)" ]; }
has_sshd() { command -v sshd >/dev/null || [ -x /usr/sbin/sshd ]; }

# Fill $missing with "package:why" for everything the machine lacks.
check() {
    missing=()
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=("python3-venv:venv")
    if ! command -v fc-list >/dev/null; then
        missing+=("fonts-wqy-zenhei fontconfig:font")
    elif ! has_font; then
        missing+=("fonts-wqy-zenhei:font")
    fi
    if [ "$tests" = 1 ]; then
        command -v tmux >/dev/null || missing+=("tmux:tmux")
        has_sshd || missing+=("openssh-server:ssh")
        command -v ssh >/dev/null || missing+=("openssh-client:ssh")
    fi
}

check
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    packages="${missing[*]%%:*}"
    say "安装缺少的软件包：$packages" "Installing what this machine lacks: $packages"
    # shellcheck disable=SC2086  # one word per package
    apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            $packages >/dev/null
    check
fi
if [ "$tests" = 1 ] && [ "$(id -u)" = 0 ] && has_sshd; then
    mkdir -p -m 0755 /run/sshd 2>/dev/null || true  # sshd's privilege-separation directory
fi

for item in "${missing[@]}"; do
    package=${item%%:*}
    command="sudo apt-get install $package"
    case ${item#*:} in
        venv) say "缺少 $package，无法建立 Python 虚拟环境。请运行：$command" \
                  "Missing $package: Python cannot make the virtual environment. Run: $command" ;;
        font) say "缺少中文字体（$package）：控制台不会打印，需要字体的测试会跳过。请运行：$command" \
                  "No Chinese font ($package): the console will refuse to print and the tests that need the font are skipped. Run: $command" ;;
        tmux) say "缺少 $package：终端端到端测试会跳过。请运行：$command" \
                  "Missing $package: the end-to-end terminal tests are skipped. Run: $command" ;;
        ssh)  say "缺少 $package：SSH 端到端测试会跳过。请运行：$command" \
                  "Missing $package: the SSH end-to-end test is skipped. Run: $command" ;;
    esac
done
exit 0
