//! The page's style sheet and script, inline in every report.
//!
//! Palette: allow is blue, deny orange, denials before any access setting grey (Okabe–Ito
//! hues, distinguishable without red/green); text on every fill has a contrast of at least
//! 4.5:1, and every cell also carries a glyph and a code.

/// The style sheet.
pub const CSS: &str = r#"
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--ok:#0b4a85;--okbg:#d3e6fa;--okbar:#0072b2;--bad:#7a3300;--badbg:#fcdcb8;--badbar:#e69f00;--xbg:#e4e6e9;--x:#3d444d;--warn:#6b4a00;--warnbg:#fff1c2}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#24292f;color:#fff;padding:18px 28px 14px}
header h1{margin:0;font-size:22px;font-weight:600}
header .meta{margin:4px 0 0;color:#d8dee4;font-size:13px}
header code{color:#fff}
main{padding:18px 28px 40px;max-width:1600px}
h2{font-size:16px;margin:0 0 12px}
h2 .sub{font-weight:normal}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:16px}
.tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;border-top:4px solid var(--line)}
.tile.ok{border-top-color:var(--okbar)}.tile.bad{border-top-color:var(--badbar)}.tile.warn{border-top-color:#b08800;background:#fffdf3}
.tile.ok .gl{color:var(--ok)}.tile.bad .gl{color:var(--bad)}
.tile .value{font-size:24px;font-weight:600}
.tile .label{font-weight:600}
.tile .sub2{color:var(--muted);font-size:12px}
.columns{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;margin-bottom:16px}
@media (max-width:1000px){.columns{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;min-width:0;margin-bottom:16px}
.columns .card{margin-bottom:0}
.note{color:var(--muted);font-size:13px;margin:-6px 0 10px}
table.counts{border-collapse:collapse;width:100%}
.counts th,.counts td{padding:5px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:middle}
.counts th{font-size:12px;color:var(--muted);font-weight:600;position:sticky;top:0;background:#fff;z-index:1}
.scroll{max-height:560px;overflow:auto}
.counts .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.counts .zero{color:#8c959f}
.counts tr.total td{font-weight:600;border-top:2px solid var(--line)}
.counts .barcol{width:24%;white-space:nowrap}
.counts .reasons{font-size:12px;color:var(--muted)}
.reason{white-space:nowrap}
.rule{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;color:var(--fg);background:var(--bg);border:1px solid #eaeef2;border-radius:4px;padding:0 4px}
.bar{display:inline-block;vertical-align:middle;width:calc(100% - 44px);height:12px;background:var(--badbar);border-radius:6px;overflow:hidden;min-width:60px}
.bar span{display:block;height:100%;background:var(--okbar)}
.pct{display:inline-block;width:40px;text-align:right;font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.sub{color:var(--muted);font-size:12px;margin-left:6px}
.counts .sub{display:block;margin:0}
.chart{max-width:640px;display:block}
.chart .lbl{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:var(--fg)}
.chart .val{font-size:12px;fill:var(--muted)}
.meanings{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font-size:12px;margin:10px 0 0}
.meanings dt{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
.meanings dd{margin:0;color:var(--muted)}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 4px 0 0;vertical-align:-1px}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:12px;margin-bottom:8px}
#q{font:inherit;padding:6px 10px;width:320px;border:1px solid var(--line);border-radius:6px}
#g{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;max-width:240px;background:#fff}
#q:focus,#g:focus,.pager button:focus{outline:2px solid #0969da;border-color:#0969da}
#shown{color:var(--fg);font-size:13px;font-weight:600}
.pager button{font:inherit;font-size:13px;padding:4px 10px;margin-right:6px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
.pager button:disabled{color:#8c959f;cursor:default}
.legend{font-size:12px;margin:0 0 10px;display:flex;flex-wrap:wrap;gap:8px}
.legend .key{padding:1px 8px;border-radius:4px;border:1px solid}
.legend .a{background:var(--okbg);color:var(--ok);border-color:var(--okbar)}
.legend .d{background:var(--badbg);color:var(--bad);border-color:var(--badbar)}
.legend .x{background:var(--xbg);color:var(--x);border-color:#8c959f}
.capnote{background:#eef5fc;border:1px solid #9ec5ea;border-radius:6px;padding:8px 12px;font-size:13px}
.gridwrap{display:inline-block;max-width:100%;vertical-align:top;overflow:auto;max-height:75vh;border:1px solid var(--line);border-radius:6px}
table.grid{border-collapse:separate;border-spacing:0;font-size:11px}
.grid th,.grid td{border-right:1px solid #fff;border-bottom:1px solid #fff}
.grid thead th{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);vertical-align:bottom;font-weight:600}
.grid th.p{padding:6px 0 6px;width:34px;min-width:34px;max-width:34px}
.grid th.p div{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;max-height:150px;overflow:hidden;text-overflow:ellipsis;margin:0 auto;font-size:12px}
.grid th.corner{left:0;z-index:3;text-align:left;padding:6px 10px;min-width:260px;color:var(--muted);font-size:12px}
.grid th.tot{font-size:11px;color:var(--muted);padding:6px 6px;text-align:right}
.grid tbody th{position:sticky;left:0;z-index:1;background:#fff;text-align:left;font-weight:normal;padding:3px 10px;border-right:1px solid var(--line);border-bottom:1px solid #eaeef2;white-space:nowrap;max-width:420px;overflow:hidden;text-overflow:ellipsis}
.grid .name{font-weight:600;font-size:12px}
.grid .badges{margin-left:6px}
.badge{display:inline-block;font-size:10px;line-height:15px;padding:0 5px;border-radius:8px;background:var(--bg);border:1px solid var(--line);color:var(--muted);margin-left:3px}
.badge.warn{background:var(--warnbg);border-color:#d4a72c;color:var(--warn)}
.badge.key{background:#e6f1fb;border-color:#6ea8dc;color:var(--ok)}
.grid td{width:34px;min-width:34px;height:24px;text-align:center;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;cursor:default;white-space:nowrap;letter-spacing:-.3px}
.grid td.tot{width:auto;padding:0 6px;text-align:right;color:var(--muted);background:#fff;border-bottom:1px solid #eaeef2;letter-spacing:0}
.grid td.a{background:var(--okbg);color:var(--ok)}
.grid td.d{background:var(--badbg);color:var(--bad);font-weight:600}
.grid td.x{background:var(--xbg);color:var(--x)}
.grid tbody tr:hover th,.grid tbody tr:hover td.tot{background:#e6f1fb}
.grid tbody tr:hover td.a,.grid tbody tr:hover td.d,.grid tbody tr:hover td.x{filter:brightness(.93)}
.grid th.hl{background:#e6f1fb}
.codes{font-size:12px;color:var(--muted);margin:10px 0 0}
.codes code{color:var(--fg)}
.empty{color:var(--muted);font-style:italic}
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
.group{border:1px solid var(--line);border-radius:6px;padding:10px 12px;font-size:13px;min-width:0}
.group:target{outline:2px solid #0969da}
.group h3{margin:0 0 6px;font-size:14px;overflow-wrap:anywhere}
.group dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 10px;margin:0}
.group dt{color:var(--muted);font-size:12px}
.group dd{margin:0;overflow-wrap:anywhere}
.mode{font-size:11px;font-weight:600;padding:1px 7px;border-radius:8px;border:1px solid;margin-left:4px;white-space:nowrap}
.m-list{background:var(--okbg);color:var(--ok);border-color:var(--okbar)}
.m-legacy{background:var(--warnbg);color:var(--warn);border-color:#d4a72c}
.m-none{background:var(--xbg);color:var(--x);border-color:#8c959f}
.warnnote{color:var(--warn);font-size:12px}
.gl.ok{color:var(--ok)}.gl.bad{color:var(--bad)}
a{color:#0550ae}
"#;

/// The script: renders the grid from the embedded data, searches and filters every
/// principal, pages through the matches, reads `#q=TEXT&g=GROUP` at load and when the
/// hash changes (then it scrolls to the grid).
pub const JS: &str = r#"
(function () {
  var D = JSON.parse(document.getElementById('entitle-data').textContent);
  var grid = document.getElementById('grid'), body = grid.tBodies[0];
  var q = document.getElementById('q'), gsel = document.getElementById('g');
  var shown = document.getElementById('shown'), none = document.getElementById('none');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var PAGE = +grid.getAttribute('data-page') || 0, P = D.principals, NP = D.products.length;
  var CODES = 'ABCDEFGHIJKLMNOPQRST', DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  var GLYPH = { a: '\u2713', d: '\u2715', x: '\u2715' };
  var HOW = {
    'entitlement-country': "the user's Entitlement Country attribute",
    'profile': 'the profile country',
    'covers': 'a `covers` entry for the profile country',
    'key-in': "the key's own country (`in`)",
    'key-groups': "the country of the key's groups"
  };
  var keys = P.map(function (p) { return (p[0] + ' ' + p[1]).toLowerCase(); });
  var start = 0, hits = [];
  function fmt(n) { return n.toLocaleString('en'); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function width(n) { var w = 1, s = 62; while (n > s) { w++; s *= 62; } return w; }
  function how(by, c) {
    if (by !== 'revenue') return HOW[by] || '';
    var country = D.countries[c];
    return country[1] === null ? 'the fallback: the country with the highest revenue'
      : 'the fallback: the profile country matches no country, and ' + country[0] + ' has the highest revenue (' + country[1] + ')';
  }
  function row(i) {
    var p = P[i], badges = '', cells = '', allowed = 0, groups = p[5], w = width(groups.length), k = 0;
    if (p[2] === 'key') badges += '<span class="badge key" title="activation key">key</span>';
    else if (p[2] !== 'active') badges += '<span class="badge warn" title="' + esc(D.statuses[p[2]] || '') + '">\u26a0 ' + esc(p[2]) + '</span>';
    if (p[3] >= 0) {
      var by = p[4] >= 0 ? D.by[p[4]] : '', cn = D.countries[p[3]][0];
      badges += '<span class="badge' + (by === 'revenue' ? ' warn' : '') + '" title="entitlement country ' + esc(cn) + ', chosen by ' + esc(how(by, p[3])) + '">' + esc(cn) + ' <small>by ' + esc(by) + '</small></span>';
    } else if (p[2] === 'key') {
      badges += '<span class="badge warn" title="the key has no `in` and no group, so no entitlement country">\u26a0 no country</span>';
    } else {
      badges += '<span class="badge warn" title="profile country ' + esc(p[8]) + ' leads to no entitlement country">\u26a0 no country</span>';
    }
    for (var x = 0; x < NP; x++) {
      var c = D.codes[CODES.indexOf(p[6].charAt(x))], group = '';
      if (c[1].lastIndexOf('group-', 0) === 0) {
        var at = 0;
        for (var j = 0; j < w; j++) at = at * 62 + DIGITS.indexOf(p[7].charAt(k++));
        group = ', group ' + D.groups[groups[at]];
      }
      if (c[0] === 'allow') allowed++;
      cells += '<td class="' + c[3] + '" title="' + esc(D.products[x][0] + ': ' + c[0] + ' by ' + c[1] + group) + '">' + GLYPH[c[3]] + c[2] + '</td>';
    }
    var sub = p[1] ? '<span class="sub">' + esc(p[1]) + '</span>' : '';
    return '<tr data-i="' + i + '"><th class="who"><span class="name">' + esc(p[0]) + '</span><span class="badges">' + badges + '</span>' + sub + '</th><td class="tot">' + allowed + '/' + NP + '</td>' + cells + '</tr>';
  }
  function search() {
    var v = q.value.trim().toLowerCase(), g = -1;
    if (gsel.value) g = D.groups.indexOf(gsel.value);
    hits = [];
    for (var i = 0; i < P.length; i++) {
      if (v && keys[i].indexOf(v) < 0) continue;
      if (g >= 0 && P[i][5].indexOf(g) < 0) continue;
      hits.push(i);
    }
    start = 0;
    draw();
  }
  function draw() {
    var end = PAGE ? Math.min(hits.length, start + PAGE) : hits.length, html = [];
    for (var i = start; i < end; i++) html.push(row(hits[i]));
    body.innerHTML = html.join('');
    var text = fmt(hits.length) + ' of ' + fmt(P.length) + ' match; showing ' + fmt(end - start);
    if (end - start < hits.length) text += ' (' + fmt(start + 1) + '\u2013' + fmt(end) + ')';
    shown.textContent = text;
    none.hidden = hits.length > 0 || P.length === 0;
    prev.disabled = start === 0;
    next.disabled = end >= hits.length;
    prev.parentNode.hidden = !PAGE || hits.length <= PAGE;
  }
  function remember() {
    var parts = [];
    if (q.value) parts.push('q=' + encodeURIComponent(q.value));
    if (gsel.value) parts.push('g=' + encodeURIComponent(gsel.value));
    try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (e) {}
  }
  function load() {
    var text = (location.hash || '').slice(1) + '&' + (location.search || '').slice(1);
    q.value = '';
    gsel.value = '';
    text.split('&').forEach(function (kv) {
      var at = kv.indexOf('='), k = kv.slice(0, at), v = kv.slice(at + 1);
      if (at < 0) return;
      try { v = decodeURIComponent(v.replace(/\+/g, ' ')); } catch (e) {}
      if (k === 'q') q.value = v;
      if (k === 'g') {
        for (var i = 0; i < gsel.options.length; i++)
          if (gsel.options[i].value.toLowerCase() === v.toLowerCase()) gsel.selectedIndex = i;
      }
    });
    search();
  }
  q.addEventListener('input', function () { search(); remember(); });
  gsel.addEventListener('change', function () { search(); remember(); });
  prev.addEventListener('click', function () { start = Math.max(0, start - PAGE); draw(); });
  next.addEventListener('click', function () { if (start + PAGE < hits.length) { start += PAGE; draw(); } });
  // a link such as a group's "show in the grid" changes the hash: go to the grid
  function toGrid() {
    if (/[#&?](q|g)=/.test(location.hash)) document.getElementById('access').scrollIntoView();
  }
  window.addEventListener('hashchange', function () { load(); toGrid(); });
  load();
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  var heads = grid.tHead.rows[0].cells, lit = null;
  grid.addEventListener('mouseover', function (e) {
    var td = e.target.closest ? e.target.closest('td') : null;
    var th = td ? heads[td.cellIndex] : null;
    if (lit && lit !== th) lit.classList.remove('hl');
    if (th && th.classList.contains('p')) { th.classList.add('hl'); lit = th; } else { lit = null; }
  });
})();
"#;
