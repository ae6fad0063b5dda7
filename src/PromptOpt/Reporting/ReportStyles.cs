namespace PromptOpt.Reporting;

/// <summary>The report's inline style sheet (system fonts only; no external resources). Contains no '&lt;' or '&amp;', so it is valid XML text.</summary>
internal static class ReportStyles
{
    public const string Css = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f3f4f6;--card:#ffffff;--accent:#2563eb;--good:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:1120px;margin:0 auto;padding:26px 28px 40px}
header.top{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;flex-wrap:wrap;margin-bottom:6px}
.brand{font-weight:700;letter-spacing:.12em;text-transform:uppercase;color:var(--accent);font-size:12px}
h1{font-size:26px;margin:2px 0 4px;letter-spacing:-.01em}
h1 code{font-size:22px;background:none;padding:0}
.meta{color:var(--muted);margin:0}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.chip{display:inline-block;padding:2px 10px;border-radius:999px;background:#e0e7ff;color:#3730a3;font-size:12px;font-weight:600}
.chip.model{background:#ecfeff;color:#155e75}
.chip.plain{background:#f3f4f6;color:#374151}
.banner{margin:16px 0 8px;padding:14px 18px;border-radius:10px;background:repeating-linear-gradient(135deg,#fef3c7 0 16px,#fde68a 16px 32px);border:2px solid #f59e0b;color:#78350f;font-weight:800;font-size:17px;letter-spacing:.06em}
.banner span{display:block;font-weight:500;letter-spacing:0;font-size:13px;margin-top:2px}
nav.toc{display:flex;flex-wrap:wrap;gap:6px;margin:14px 0 18px}
nav.toc a{padding:4px 12px;border-radius:999px;background:var(--card);border:1px solid var(--line);color:#374151;text-decoration:none;font-size:12.5px}
nav.toc a:hover{border-color:var(--accent);color:var(--accent)}
section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 22px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
section h2{font-size:18px;margin:0 0 12px;letter-spacing:-.005em}
h3{font-size:12.5px;margin:18px 0 8px;color:#4b5563;text-transform:uppercase;letter-spacing:.06em}
h2 + h3,h2 + div > h3:first-child{margin-top:0}
td.id{white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin-bottom:14px}
.card{border:1px solid var(--line);border-radius:10px;padding:12px 14px;background:#fafbfc}
.card .label{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.06em}
.card .value{font-size:23px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.3}
.card .sub{color:var(--muted);font-size:12px}
.up{color:var(--good);font-weight:600}
.down{color:var(--bad);font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:#374151;background:#f9fafb;position:sticky;top:0;z-index:1}
tr:last-child td{border-bottom:none}
tr.total td{font-weight:700;background:#f9fafb}
tr.best td{background:#eff6ff}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.facts{width:auto}
table.facts th{background:none;position:static;color:var(--muted);font-weight:500;padding-left:0}
.table-wrap{overflow:auto;max-height:620px;border:1px solid var(--line);border-radius:8px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:#f3f4f6;padding:1px 5px;border-radius:4px}
pre,.prompt{font:12.5px/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;white-space:pre-wrap;word-break:break-word;background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0}
td pre{padding:6px 8px;max-height:180px;overflow:auto}
del{background:#fee2e2;color:#991b1b;text-decoration:line-through;border-radius:3px}
ins{background:#dcfce7;color:#14532d;text-decoration:none;border-radius:3px}
.legend-inline{color:var(--muted);font-size:12px;margin:0 0 8px}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:11.5px;font-weight:600;white-space:nowrap}
.badge.accepted{background:#dcfce7;color:#166534}
.badge.rejected{background:#f3f4f6;color:#6b7280}
.badge.best{background:#dbeafe;color:#1e40af}
.badge.error{background:#fee2e2;color:#991b1b}
.scorebar{display:inline-block;width:64px;height:6px;background:#e5e7eb;border-radius:3px;vertical-align:middle;margin-left:8px;overflow:hidden}
.scorebar span{display:block;height:100%;background:var(--accent)}
.tree{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#9ca3af;white-space:pre}
.chart{width:100%;height:auto;display:block}
figure{margin:6px 0 10px}
figcaption{color:var(--muted);font-size:12px;margin-top:2px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:820px){.grid2{grid-template-columns:1fr}}
.note{color:var(--muted);font-style:italic;margin:4px 0}
p.lead{margin:0 0 12px;color:#374151}
td.heat{text-align:center;font-variant-numeric:tabular-nums;min-width:52px}
td.heat.edited{box-shadow:inset 0 0 0 2px #f97316}
td.sentence{max-width:420px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin:0 4px 0 10px}
details summary{cursor:pointer;color:var(--accent);font-size:12.5px}
details[open] summary{margin-bottom:6px}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:26px}
@media print{body{background:#fff}section{break-inside:avoid;box-shadow:none}.table-wrap{max-height:none}nav.toc{display:none}}
""";
}
