"""The one stylesheet and the one small script of the phone pages, and their CSP hashes.

Both are inline (one request per page, no third-party resource) and fixed, so
the Content-Security-Policy names them by hash and nothing else may run or
style the page. The page reads without the script: it only offers 朗读
(the browser's own speech synthesis) where the browser has it. Large text is
a checkbox and CSS; light and dark follow the phone's setting.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSP", "SCRIPT", "STYLE"]

STYLE = """
:root{color-scheme:light dark;--fg:#1a1a1a;--muted:#5b5b5b;--bg:#fff;--card:#f4f5f7;
--line:#dcdfe4;--accent:#b3261e;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#b0b0b0;--bg:#121212;
--card:#1f1f1f;--line:#383838;--accent:#f2b8b5;--link:#a8c7fa}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font-size:18px;line-height:1.75;
font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC",
"Source Han Sans SC","Microsoft YaHei",sans-serif;word-break:break-word;overflow-wrap:anywhere}
.toggle{position:absolute;opacity:0;pointer-events:none}
.bar{display:flex;gap:.5rem;align-items:center;padding:.5rem 1rem;
border-bottom:1px solid var(--line);position:sticky;top:0;background:var(--bg)}
.brand{flex:1;font-weight:600;color:var(--accent)}
.btn{font:inherit;font-size:16px;padding:.35rem .8rem;border:1px solid var(--line);
border-radius:1rem;background:var(--card);color:var(--fg);cursor:pointer;min-height:44px}
.toggle:checked~.bar label.btn{background:var(--fg);color:var(--bg)}
.toggle:checked~main,.toggle:checked~footer{font-size:1.35em}
.toggle:focus-visible~.bar label.btn{outline:2px solid var(--link)}
main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.5em;line-height:1.4;margin:1rem 0 .25rem}
h2{font-size:1.15em;margin:1.5rem 0 .5rem;padding-left:.5rem;border-left:4px solid var(--accent)}
.sub{color:var(--muted);margin:0 0 .5rem}
.type{display:inline-block;font-size:.8em;padding:0 .5rem;border-radius:.5rem;
background:var(--card);color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0;
padding:.75rem 1rem;background:var(--card);border-radius:.75rem}
dt{color:var(--muted)}dd{margin:0}
p{margin:.5rem 0}
a{color:var(--link)}
.notice{padding:1rem;border-radius:.75rem;border:2px solid var(--accent);margin:1rem 0}
.progress label{display:block}progress{width:100%;height:1rem}
ol.flow{list-style:none;padding:0;margin:0}
ol.flow li{background:var(--card);border:1px solid var(--line);border-radius:.5rem;
padding:.5rem .75rem;position:relative;margin-bottom:1.6rem}
ol.flow li:not(:last-child)::after{content:"↓";position:absolute;left:50%;bottom:-1.55rem;
color:var(--muted)}
ol.flow b{margin-right:.25rem}
img{max-width:100%;height:auto;border-radius:.5rem}
ul.files{list-style:none;padding:0}
ul.files li{background:var(--card);border-radius:.75rem;padding:.75rem 1rem;margin:.5rem 0}
.files .meta{color:var(--muted);font-size:.85em}
.files a{display:inline-block;margin:.25rem 1rem 0 0;min-height:44px;line-height:44px}
.pages{display:flex;justify-content:space-between;margin:1rem 0}
footer{color:var(--muted);font-size:.85em;border-top:1px solid var(--line);margin-top:2rem;
padding-top:.75rem;padding-bottom:2rem}
.doc p{text-indent:2em}
"""

SCRIPT = """
(function(){var s=window.speechSynthesis,b=document.getElementById("speak");
if(!s||!b||!window.SpeechSynthesisUtterance){return}b.hidden=false;
b.addEventListener("click",function(){if(s.speaking){s.cancel();b.textContent="朗读";return}
var u=new SpeechSynthesisUtterance(document.getElementById("main").innerText);u.lang="zh-CN";
u.onend=function(){b.textContent="朗读"};b.textContent="停止";s.speak(u)})})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: Only this page's own style and script, images of this publisher, nothing else.
CSP = (
    f"default-src 'none'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
