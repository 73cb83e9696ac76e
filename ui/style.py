"""The page's look: system fonts (Hangul included) and the CSS of the panes, the thread and the evaluator.

No web fonts: the default Gradio theme asks Google Fonts, which an offline machine cannot reach.
"""

# Fonts that hold Hangul, so Korean renders wherever the system has one (Noto CJK on Linux, Apple SD
# Gothic Neo on macOS, Malgun Gothic on Windows), after the system UI fonts the theme names.
KOREAN_FONTS = ('"Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", '
                '"Nanum Gothic", "NanumGothic", "UnDotum"')
FONT_STACK = f"ui-sans-serif, system-ui, -apple-system, \"Segoe UI\", Roboto, {KOREAN_FONTS}, sans-serif"

CSS = f"""
body, .gradio-container, .rag-pane, .rag-question, input, textarea {{ font-family: {FONT_STACK}; }}
.rag-pane h3 {{ margin: 0 0 .5rem; font-size: 1.05rem; }}
.rag-lead {{ font-size: 1.12rem; line-height: 1.55; margin: 0 0 .6rem; }}
.rag-points {{ margin: 0 0 .8rem 1.1rem; padding: 0; line-height: 1.5; }}
.rag-points li {{ margin: .25rem 0; }}
.rag-quoted {{ font-style: italic; }}
.rag-chip {{ display: inline-block; min-width: 1.3em; padding: 0 .35em; margin-left: .15em; border-radius: .7em;
  background: #e8f0fe; color: #1a56c4 !important; font-size: .78em; font-style: normal; text-align: center;
  text-decoration: none !important; vertical-align: .12em; line-height: 1.45; }}
.rag-chip:hover {{ background: #1a56c4; color: #fff !important; }}
.rag-sources {{ display: grid; gap: .5rem; margin-top: .6rem; }}
.rag-source {{ border: 1px solid #dadce0; border-radius: .6rem; padding: .5rem .7rem; scroll-margin-top: 4rem; }}
.rag-source:target {{ border-color: #1a56c4; box-shadow: 0 0 0 2px #1a56c455; }}
.rag-source .rag-n {{ font-weight: 600; margin-right: .35rem; color: #1a56c4; }}
.rag-site {{ color: #5f6368; font-size: .85em; }}
.rag-source blockquote {{ margin: .3rem 0 0; padding-left: .6rem; border-left: 3px solid #dadce0; color: #3c4043; }}
.rag-abstain {{ padding: .7rem .9rem; border-radius: .6rem; background: #fef7e0; border: 1px solid #f9e2a6; }}
.rag-draft {{ color: #5f6368; }}
.rag-collapsed > summary {{ cursor: pointer; padding: .5rem .8rem; border-radius: .6rem; background: #f1f3f4;
  color: #3c4043; }}
.rag-collapsed[open] > summary {{ margin-bottom: .5rem; }}
.rag-short {{ font-size: 1.35rem; margin: 0 0 .3rem; }}
.rag-confidence {{ color: #5f6368; font-size: .85em; }}
.rag-badge {{ display: inline-block; font-size: .75rem; padding: .05rem .5rem; border-radius: .6rem;
  background: #f1f3f4; color: #5f6368; margin-bottom: .4rem; }}
.rag-notice {{ font-size: .88rem; color: #8a5300; margin-top: .5rem; }}
.rag-error {{ padding: .7rem .9rem; border-radius: .6rem; background: #fce8e6; border: 1px solid #f4c7c3;
  color: #a50e0e; }}
.rag-link {{ display: flex; gap: .7rem; margin-bottom: 1.1rem; }}
.rag-rank {{ color: #70757a; min-width: 1.4rem; text-align: right; font-size: .85rem; padding-top: .2rem; }}
.rag-url {{ color: #202124; font-size: .82rem; overflow-wrap: anywhere; }}
a.rag-link-title {{ color: #1a0dab !important; font-size: 1.08rem; text-decoration: none; }}
a.rag-link-title:hover {{ text-decoration: underline; }}
.rag-link-title {{ font-size: 1.08rem; }}
.rag-snippet {{ color: #4d5156; font-size: .92rem; line-height: 1.45; }}
.rag-stats {{ color: #70757a; font-size: .82rem; }}
.rag-question {{ font-size: 1.15rem; font-weight: 600; }}
.rag-summary table {{ border-collapse: collapse; }}
.rag-summary td, .rag-summary th {{ padding: .25rem .7rem; border-bottom: 1px solid #eee; text-align: left; }}
"""

# The thread: each finished turn, its overview beside its own links.
THREAD_CSS = """
.rag-turn { border-top: 1px solid #e0e0e0; padding-top: .8rem; margin-top: .8rem; }
.rag-turn-q { font-size: 1.1rem; font-weight: 600; margin-bottom: .2rem; }
.rag-turn-searched { color: #5f6368; font-size: .85rem; margin-bottom: .5rem; }
.rag-turn-panes { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
.rag-turn-panes .rag-link { margin-bottom: .6rem; }
.rag-feedback-summary { margin-top: .8rem; }
"""
