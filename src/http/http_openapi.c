/*
 * The OpenAPI 3 document of the API (GET /api/v1/openapi.json), made from
 * the route table (http_routes[], http_params[]): a route the router has
 * is in the document and nothing else is.
 */
#include "http.h"

static void str(struct obuf *o, const char *s)
{
	obuf_json_str(o, s, strlen(s));
}

static void path_param(struct obuf *o, const char *name, const char *desc)
{
	obuf_puts(o, "{\"name\":");
	str(o, name);
	obuf_puts(o, ",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"},\"description\":");
	str(o, desc);
	obuf_putc(o, '}');
}

void http_openapi(struct obuf *o)
{
	obuf_puts(o, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"routewatch API\",\"version\":");
	str(o, RW_VERSION);
	obuf_puts(o, ",\"description\":\"The history store and the live collector of routewatch, read-only "
		     "(docs/api.md). Errors are JSON objects with the status, the parameter at fault and a message.\"},"
		     "\"paths\":{");
	bool any = false;
	for (int i = 0; i < HTTP_R_COUNT; i++) {
		const struct http_route_def *d = &http_routes[i];
		if (d->page) /* the web pages are HTML for people, not the API */
			continue;
		if (any)
			obuf_putc(o, ',');
		any = true;
		str(o, d->path);
		obuf_puts(o, ":{\"get\":{\"operationId\":\"r");
		obuf_putu32(o, (uint32_t)i);
		obuf_puts(o, "\",\"summary\":");
		str(o, d->summary);
		if (d->live)
			obuf_puts(o, ",\"description\":\"Only under routewatch collect --http (404 under serve).\"");
		obuf_puts(o, ",\"parameters\":[");
		bool first = true;
		if (strstr(d->path, "{asn}")) {
			path_param(o, "asn", "an AS number: 131279 or AS131279");
			first = false;
		}
		if (strstr(d->path, "{cc}")) {
			path_param(o, "cc", "a country code of two letters, as the AS names or RIR files give it: KP");
			first = false;
		}
		if (strstr(d->path, "{prefix}")) {
			path_param(o, "prefix", "a prefix, its slash as is or as %2F: 192.0.2.0/24");
			first = false;
		}
		if (strstr(d->path, "{event}")) {
			path_param(o, "event", "an event's key TIME.TYPE.ORIGIN.UPSTREAM, as the event pages' links "
					       "and next_cursor give it: 1506848871.0.131279.20485");
			first = false;
		}
		for (int p = 0; p < HTTP_P_COUNT; p++) {
			if (!(d->params & (1u << p)))
				continue;
			obuf_puts(o, first ? "{\"name\":" : ",{\"name\":");
			first = false;
			str(o, http_params[p].name);
			obuf_puts(o, ",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":");
			str(o, http_params[p].type);
			obuf_puts(o, "},\"description\":");
			str(o, http_params[p].desc);
			obuf_putc(o, '}');
		}
		if (d->id == HTTP_R_STREAM)
			obuf_puts(o, ",{\"name\":\"Last-Event-ID\",\"in\":\"header\",\"required\":false,"
				     "\"schema\":{\"type\":\"string\"},\"description\":\"resume after this event "
				     "(an id: line of the stream), from the store\"}");
		obuf_puts(o, "],\"responses\":{\"200\":{\"description\":\"the answer\",\"content\":{");
		str(o, d->ctype);
		obuf_puts(o, ":{}}}");
		if (d->history)
			obuf_puts(o, ",\"304\":{\"description\":\"not modified (If-None-Match)\"}");
		obuf_puts(o, ",\"400\":{\"$ref\":\"#/components/responses/Error\"}"
			     ",\"404\":{\"$ref\":\"#/components/responses/Error\"}"
			     ",\"405\":{\"$ref\":\"#/components/responses/Error\"}}}}");
	}
	obuf_puts(o, "},\"components\":{\"schemas\":{\"Error\":{\"type\":\"object\","
		     "\"required\":[\"status\",\"error\",\"message\"],\"properties\":{"
		     "\"status\":{\"type\":\"integer\"},\"error\":{\"type\":\"string\"},"
		     "\"parameter\":{\"type\":\"string\",\"description\":\"the parameter at fault, or path, method, query\"},"
		     "\"message\":{\"type\":\"string\"}}}},"
		     "\"responses\":{\"Error\":{\"description\":\"an error\",\"content\":{\"application/json\":"
		     "{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}}}}\n");
}
