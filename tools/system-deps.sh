#!/usr/bin/env bash
# Check the Debian packages the book needs; install the missing ones when run as root,
# otherwise print the one apt-get line to run and stop.
#   tools/system-deps.sh book   TeX for the PDF, the charts' font, dvisvgm for the HTML's math
#   tools/system-deps.sh test   the above, plus chromium and poppler for the tests, node/npm
#                               for axe-core, linkchecker, and iproute2/util-linux for the
#                               offline test run (tools/offline.sh)
set -euo pipefail
what=${1:-book}

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_tex() { kpsewhich "$1" >/dev/null 2>&1 || missing+=("$2"); }

need_cmd pdflatex texlive-latex-recommended
need_cmd latexmk latexmk
need_cmd dvisvgm dvisvgm
# With no TeX installed yet there is no kpsewhich to ask: then every TeX package is missing.
command -v kpsewhich >/dev/null 2>&1 || kpsewhich() { return 1; }
need_tex anyfontsize.sty texlive-latex-extra   # imgmath's preamble (math in the HTML)
need_tex fncychap.sty texlive-latex-extra
need_tex tabulary.sty texlive-latex-extra
need_tex capt-of.sty texlive-latex-extra
need_tex needspace.sty texlive-latex-extra
need_tex wrapfig.sty texlive-latex-extra
need_tex helvet.sty texlive-fonts-recommended
need_tex tgtermes.sty tex-gyre
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
need_cmd make make
if [ "$what" = test ]; then
  need_cmd chromium chromium
  need_cmd pdftotext poppler-utils
  need_cmd pdftoppm poppler-utils
  need_cmd node nodejs
  need_cmd npm npm
  need_cmd linkchecker linkchecker
  need_cmd ip iproute2
  need_cmd unshare util-linux
fi
need_cmd git git
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)

# de-duplicate, keep order
pkgs=()
for p in "${missing[@]+"${missing[@]}"}"; do
  [[ " ${pkgs[*]-} " == *" $p "* ]] || pkgs+=("$p")
done
[ ${#pkgs[@]} -eq 0 ] && exit 0

line="apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${pkgs[*]}" >&2
  echo "Install them (as root), then run make again:" >&2
  echo "  sudo sh -c '$line'" >&2
  exit 1
fi
echo "Installing system packages: ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
