#pragma once
// The readiness report's stylesheet (reports/html.cpp): readable from 400 px
// (a phone) to 1,400 px and up. Wide tables scroll inside their own box, so
// the page never scrolls sideways; their first column (the scenario) stays
// put while they do; headers and commands wrap.
namespace bridgesim::reports {

inline constexpr const char* kHtmlStyle = R"(*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem 2rem;color:#1d2430;max-width:90rem;line-height:1.4;overflow-wrap:anywhere}
@media (max-width:40rem){body{padding:.5rem}h1{font-size:1.4rem}.verdict{font-size:1.4rem}}
.verdict{font-size:2rem;font-weight:700;padding:.6rem 1rem;border-radius:.4rem;display:inline-block}
.pass{background:#d8f3dc;color:#1b4332}.fail{background:#ffd6d6;color:#7f1d1d}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem 1rem;margin:1rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%;margin:1rem 0}
table{border-collapse:separate;border-spacing:0;font-size:.85rem}
td,th{border:1px solid #c9ced6;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef1f5;overflow-wrap:break-word;min-width:3.2rem;max-width:8rem}
table.matrix th:first-child,table.matrix td:first-child{position:sticky;left:0;z-index:1;background:#fff;
max-width:14rem;min-width:8rem;overflow-wrap:break-word;box-shadow:2px 0 0 #c9ced6}
table.matrix th:first-child{background:#eef1f5;z-index:2}
td.ok{background:#e9f7ec}td.bad{background:#fde2e2;font-weight:600}td.num{text-align:right}
td.heat{text-align:right}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.2rem;font-size:.85rem;overflow-wrap:anywhere;
white-space:pre-wrap}
svg{max-width:100%;height:auto}
li{margin:.3rem 0;overflow-wrap:anywhere}
)";

}  // namespace bridgesim::reports
