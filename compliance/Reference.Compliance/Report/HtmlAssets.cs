namespace Reference.Compliance.Report;

/// <summary>The inline stylesheet, filter controls and filter script of the HTML report.</summary>
internal static class HtmlAssets
{
    public const string Css = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.15em;margin:1.4em 0 .4em}h2 a{color:inherit}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.4em 0}
th,td{border:1px solid #ccc;padding:.25em .45em;vertical-align:top;overflow-wrap:anywhere;text-align:left}
table.totals{width:auto;table-layout:auto}table.totals th,table.totals td{overflow-wrap:normal}table.totals td{text-align:right}caption{text-align:left;font-weight:600}
col.c-level{width:5.5em}col.c-status{width:11em}col.c-cites{width:30%}
.s-implementedandtested{background:#d6f5d6}.s-implementedonly,.s-testedonly{background:#fff2c2}
.s-exception{background:#dfe7ff}.s-todo{background:#f1e0ff}.s-notcovered{background:#ffd9d9}
td[class^="s-"]{overflow-wrap:normal}.warning{background:#fff4d6;border:1px solid #e0b000;padding:.4em}.reason{font-size:.85em;color:#444}.bad{color:#b00}.good{color:#070}
pre.rfc{white-space:pre-wrap;overflow-wrap:anywhere;background:#fafafa;border:1px solid #ddd;padding:.5em;font-size:13px}
mark.h-done{background:#b9efb9}mark.h-part{background:#ffe58a}mark.h-exc{background:#c6d4ff}mark.h-todo{background:#e6c8ff}mark.h-none{background:#ffd0d0}
#filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;display:flex;gap:1em;flex-wrap:wrap}
""";

    public const string Filters = """
<div id="filters">
<label>level <select id="f-level"><option value="">all</option><option>MUST</option><option>SHOULD</option><option>MAY</option></select></label>
<label>status <select id="f-status"><option value="">all</option><option>implemented+tested</option><option>implemented only</option><option>tested only</option><option>exception</option><option>todo</option><option>not covered</option></select></label>
<label><input type="checkbox" id="f-scope"> engine scope only (§4–§7, App. D)</label>
<button type="button" id="f-open">show/hide section text</button>
<span id="f-count"></span>
</div>

""";

    public const string Script = """
(function(){
var level=document.getElementById('f-level'),status=document.getElementById('f-status'),scope=document.getElementById('f-scope');
function apply(){var shown=0;
document.querySelectorAll('section.spec').forEach(function(sec){var any=false;
var inScope=!scope.checked||sec.dataset.scope==='1';
sec.querySelectorAll('tr.req').forEach(function(tr){
var ok=inScope&&(!level.value||tr.dataset.level===level.value)&&(!status.value||tr.dataset.status===status.value);
tr.style.display=ok?'':'none';if(ok){any=true;shown++;}});
sec.style.display=any?'':'none';});
document.getElementById('f-count').textContent=shown+' requirements shown';}
[level,status,scope].forEach(function(e){e.addEventListener('change',apply);});
var open=false;document.getElementById('f-open').addEventListener('click',function(){open=!open;
document.querySelectorAll('details').forEach(function(d){d.open=open;});});
apply();})();
""";
}
