/*
 * The web page (http.h): three static files, served as they are, that
 * read the JSON API from the browser. Nothing here knows about routes or
 * data: the page asks /api/v1/... like any client.
 *
 * Safety: the page builds its DOM with createElement and textContent
 * only (never innerHTML), so a name from a names file is text whatever
 * it holds; the script and the style are files of their own, so the
 * page's Content-Security-Policy allows scripts and styles from the
 * server itself and nothing inline.
 */
#include "http.h"

static const char page_html[] =
	"<!doctype html>\n"
	"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>routewatch</title>\n"
	"<link rel=\"stylesheet\" href=\"/app.css\">\n"
	"<script src=\"/app.js\" defer></script>\n"
	"</head><body>\n"
	"<header><a href=\"#\" id=\"home\">routewatch</a>\n"
	"<form id=\"search\"><input id=\"q\" name=\"q\" placeholder=\"AS number, prefix or name\" autocomplete=\"off\">\n"
	"<button type=\"submit\">Search</button></form></header>\n"
	"<main>\n"
	"<p id=\"status\" role=\"status\"></p>\n"
	"<section id=\"results\" hidden><h2>Results</h2><ul id=\"result-list\"></ul></section>\n"
	"<section id=\"origin\" hidden>\n"
	"<h1 id=\"origin-title\"></h1><p id=\"origin-facts\"></p>\n"
	"<h2>Upstreams now</h2><ul id=\"upstreams\"></ul>\n"
	"<h2>The last day</h2><img id=\"chart\" alt=\"the upstreams' shares of its routes\">\n"
	"<pre id=\"report\"></pre>\n"
	"<h2>Events</h2><table><thead><tr><th>time</th><th>type</th><th>upstream</th><th>prefixes</th></tr></thead>\n"
	"<tbody id=\"events\"></tbody></table><button id=\"more\" hidden>More</button>\n"
	"</section>\n"
	"<section id=\"live\" hidden><h2>Live</h2><ul id=\"live-list\"></ul></section>\n"
	"</main>\n"
	"<footer><a href=\"/api/v1/openapi.json\">API</a> &middot; <a href=\"/metrics\">metrics</a></footer>\n"
	"</body></html>\n";

static const char page_css[] =
	"body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#222}\n"
	"header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#223;color:#fff}\n"
	"header a{color:#fff;font-weight:bold;text-decoration:none}\n"
	"#search input{width:22em;padding:.3em}\n"
	"main{padding:1em;max-width:70em}\n"
	"table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.2em .5em;border-bottom:1px solid #ddd;vertical-align:top}\n"
	"pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}\n"
	"#chart{max-width:100%;border:1px solid #ddd}\n"
	"footer{padding:1em;color:#666}\n";

static const char page_js[] =
	"'use strict';\n"
	"// routewatch's page: reads /api/v1/... and builds the DOM with textContent only.\n"
	"const $ = (id) => document.getElementById(id);\n"
	"const el = (tag, text, attrs) => {\n"
	"  const e = document.createElement(tag);\n"
	"  if (text !== undefined && text !== null) e.textContent = String(text);\n"
	"  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);\n"
	"  return e;\n"
	"};\n"
	"const say = (t) => { $('status').textContent = t || ''; };\n"
	"async function api(path) {\n"
	"  const r = await fetch(path, {headers: {Accept: 'application/json'}});\n"
	"  const j = await r.json();\n"
	"  if (!r.ok) throw new Error(j.message || r.statusText);\n"
	"  return j;\n"
	"}\n"
	"function show(id) {\n"
	"  for (const s of ['results', 'origin']) $(s).hidden = s !== id;\n"
	"}\n"
	"async function search(q) {\n"
	"  say('searching ' + q);\n"
	"  try {\n"
	"    const j = await api('/api/v1/search?q=' + encodeURIComponent(q));\n"
	"    const ul = $('result-list');\n"
	"    ul.replaceChildren();\n"
	"    for (const r of j.results) {\n"
	"      const li = el('li');\n"
	"      li.append(el('a', 'AS' + r.asn, {href: '#as/' + r.asn}), ' ', el('span', r.name || ''));\n"
	"      ul.append(li);\n"
	"    }\n"
	"    if (!j.results.length) ul.append(el('li', 'nothing found'));\n"
	"    show('results');\n"
	"    say('');\n"
	"  } catch (e) { say(e.message); }\n"
	"}\n"
	"let cursor = null, asn = null;\n"
	"async function events(more) {\n"
	"  const q = '/api/v1/events?origin=' + asn + '&limit=50' + (more && cursor ? '&cursor=' + encodeURIComponent(cursor) : '');\n"
	"  const j = await api(q);\n"
	"  const tb = $('events');\n"
	"  if (!more) tb.replaceChildren();\n"
	"  for (const e of j.events) {\n"
	"    const tr = el('tr');\n"
	"    tr.append(el('td', e.time), el('td', e.type),\n"
	"      el('td', e.upstream ? 'AS' + e.upstream + (e.upstream_name ? ' ' + e.upstream_name : '') : ''),\n"
	"      el('td', (e.prefixes || []).join(' ')));\n"
	"    tb.append(tr);\n"
	"  }\n"
	"  cursor = j.next_cursor;\n"
	"  $('more').hidden = !cursor;\n"
	"}\n"
	"async function origin(n) {\n"
	"  asn = n;\n"
	"  say('loading AS' + n);\n"
	"  try {\n"
	"    const s = await api('/api/v1/as/' + n);\n"
	"    $('origin-title').textContent = 'AS' + s.origin + (s.name ? ' ' + s.name : '');\n"
	"    $('origin-facts').textContent = s.prefixes + ' prefixes, ' + s.routes + ' routes at ' + s.clock +\n"
	"      (s.down ? '; down since ' + s.down_since : '') + '; first seen ' + s.first_seen + ', ' +\n"
	"      s.upstreams_ever + ' upstreams ever';\n"
	"    const ul = $('upstreams');\n"
	"    ul.replaceChildren();\n"
	"    for (const u of s.upstreams)\n"
	"      ul.append(el('li', 'AS' + u.asn + (u.name ? ' ' + u.name : '') + ': ' + Math.round(u.share_now * 100) +\n"
	"        '% of its routes now, since ' + u.since));\n"
	"    $('chart').src = '/api/v1/as/' + n + '/chart.svg';\n"
	"    const r = await fetch('/api/v1/as/' + n + '/report?format=text');\n"
	"    $('report').textContent = r.ok ? await r.text() : '';\n"
	"    await events(false);\n"
	"    show('origin');\n"
	"    say('');\n"
	"  } catch (e) { show(''); say(e.message); }\n"
	"}\n"
	"function route() {\n"
	"  const m = /^#as\\/(\\d+)$/.exec(location.hash);\n"
	"  if (m) origin(m[1]); else show('');\n"
	"}\n"
	"function live() {\n"
	"  // the collector's stream (collect --http); serve has none\n"
	"  fetch('/api/v1/stream', {method: 'HEAD'}).then((r) => {\n"
	"    if (!r.ok) return;\n"
	"    $('live').hidden = false;\n"
	"    const src = new EventSource('/api/v1/stream');\n"
	"    const add = (m) => {\n"
	"      const e = JSON.parse(m.data);\n"
	"      const li = el('li');\n"
	"      li.append(el('span', e.time + ' ' + e.type + ' '),\n"
	"        e.origin ? el('a', 'AS' + e.origin, {href: '#as/' + e.origin}) : '',\n"
	"        el('span', e.origin_name ? ' ' + e.origin_name : ''));\n"
	"      const ul = $('live-list');\n"
	"      ul.prepend(li);\n"
	"      while (ul.children.length > 100) ul.lastChild.remove();\n"
	"    };\n"
	"    for (const t of ['upstream_gained', 'upstream_lost', 'origin_down', 'origin_up', 'prefix_down', 'prefix_up',\n"
	"      'origin_gained', 'origin_lost', 'prefix_new', 'more_specific', 'rpki_invalid', 'route_leak'])\n"
	"      src.addEventListener(t, add);\n"
	"  });\n"
	"}\n"
	"document.addEventListener('DOMContentLoaded', () => {\n"
	"  $('search').addEventListener('submit', (e) => { e.preventDefault(); search($('q').value.trim()); });\n"
	"  $('more').addEventListener('click', () => events(true));\n"
	"  window.addEventListener('hashchange', route);\n"
	"  route();\n"
	"  live();\n"
	"});\n";

#define PAGE_CSP                                                                                     \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static const struct http_page pages[] = {
	{"/", "text/html; charset=utf-8", page_html, sizeof page_html - 1},
	{"/app.js", "text/javascript; charset=utf-8", page_js, sizeof page_js - 1},
	{"/app.css", "text/css; charset=utf-8", page_css, sizeof page_css - 1},
};

const char *const http_page_csp = PAGE_CSP;

const struct http_page *http_page_find(const char *path)
{
	for (size_t i = 0; i < RW_ARRAY_LEN(pages); i++)
		if (!strcmp(pages[i].path, path))
			return &pages[i];
	return NULL;
}
