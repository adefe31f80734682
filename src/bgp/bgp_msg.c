/*
 * BGP messages (RFC 4271 §4): header, UPDATE framing, OPEN with
 * capabilities (RFC 5492, RFC 9072), NOTIFICATION, ROUTE-REFRESH
 * (RFC 2918, RFC 7313), and the names used in output.
 */
#include "bgp_int.h"

#include <stddef.h>

int bgp_hdr_decode(const uint8_t *p, size_t n, bool extended, struct bgp_hdr *h)
{
	if (n < BGP_HDR_LEN)
		return RW_ETRUNC;
	for (int i = 0; i < BGP_MARKER_LEN; i++)
		if (p[i] != 0xff)
			return RW_EMALFORMED;
	h->len = rd16(p + BGP_MARKER_LEN);
	h->type = p[BGP_MARKER_LEN + 2];
	if (h->len < BGP_HDR_LEN || h->len > (extended ? BGP_MAX_EXT_LEN : BGP_MAX_LEN))
		return RW_EMALFORMED;
	return 0;
}

/* RFC 7606 §5.3: a plain NLRI or withdrawn field that cannot be parsed. */
static void nlri_reset(struct bgp_attrs *a, const char *msg, size_t off, bool salvageable)
{
	a->action = BGP_ACT_RESET;
	a->n_errors++;
	a->err_msg = msg;
	a->err_attr = 0;
	a->err_off = (uint32_t)off;
	if (!salvageable)
		a->reset_other = true;
	a->reset_nlri_only = !a->reset_other;
}

int bgp_update_decode(const uint8_t *p, size_t len, const struct bgp_ctx *ctx, struct arena *scratch,
		      struct bgp_update *u)
{
	_Static_assert(offsetof(struct bgp_update, attrs) + sizeof(struct bgp_attrs) == sizeof(struct bgp_update),
		       "attrs must be the last field of struct bgp_update");
	memset(u, 0, offsetof(struct bgp_update, attrs));
	struct bgp_attrs *a = &u->attrs;
	bgp__attrs_reset(a, ctx);
	struct cur c;
	cur_init(&c, p, len);
	uint16_t wl, tal;
	const uint8_t *attrs;
	if (cur_u16(&c, &wl) || cur_bytes(&c, wl, &u->withdrawn)) {
		u->withdrawn = NULL;
		a->action = BGP_ACT_RESET;
		a->reset_other = true;
		a->n_errors = 1;
		a->err_msg = "withdrawn routes length runs past the message";
		return 0;
	}
	u->withdrawn_len = wl;
	if (cur_u16(&c, &tal) || cur_bytes(&c, tal, &attrs)) {
		a->action = BGP_ACT_RESET;
		a->reset_other = true;
		a->n_errors = 1;
		a->err_msg = "total path attribute length runs past the message";
		return 0;
	}
	int rc = bgp_attrs_decode(attrs, tal, ctx, scratch, a);
	if (rc)
		return rc;
	u->nlri = c.p;
	u->nlri_len = cur_left(&c);

	size_t bad;
	rc = (int)bgp__nlri_check_guess(a, ctx, u->withdrawn, wl, RW_AF_INET, &u->withdrawn_addpath, &bad);
	if (rc < 0) {
		nlri_reset(a, rc == RW_ETRUNC ? "withdrawn routes overrun the field"
					      : "withdrawn routes malformed (prefix length beyond 32)",
			   bad, bgp__nlri_salvageable(rc, u->withdrawn, bad, RW_AF_INET, u->withdrawn_addpath));
		u->withdrawn_len = (uint16_t)bad;
	}
	rc = (int)bgp__nlri_check_guess(a, ctx, u->nlri, u->nlri_len, RW_AF_INET, &u->nlri_addpath, &bad);
	if (rc < 0) {
		nlri_reset(a, rc == RW_ETRUNC ? "NLRI overruns the message" : "NLRI malformed (prefix length beyond 32)",
			   bad, bgp__nlri_salvageable(rc, u->nlri, bad, RW_AF_INET, u->nlri_addpath));
		u->nlri_len = bad;
	}
	if (a->action == BGP_ACT_RESET)
		return 0;

	if (wl == 0 && tal == 0 && u->nlri_len == 0) {
		u->eor = true; /* RFC 4724: IPv4 unicast End-of-RIB */
		u->eor_afi = BGP_AFI_IPV4;
		u->eor_safi = BGP_SAFI_UNICAST;
		return 0;
	}
	if (u->nlri_len == 0 && wl == 0 && a->n_attrs == 1 && bgp_has(a, BGP_ATTR_MP_UNREACH) &&
	    a->unreach.nlri_len == 0) {
		u->eor = true;
		u->eor_afi = a->unreach.afi;
		u->eor_safi = a->unreach.safi;
		return 0;
	}
	/* RFC 7606 §3.d: NLRI present but a mandatory attribute missing */
	bool reach_nlri = bgp_has(a, BGP_ATTR_MP_REACH) && a->reach.nlri_len > 0;
	if ((u->nlri_len > 0 || reach_nlri) && a->action < BGP_ACT_WITHDRAW) {
		const char *miss = NULL;
		if (!(a->seen >> BGP_ATTR_ORIGIN & 1))
			miss = "ORIGIN missing";
		else if (!(a->seen >> BGP_ATTR_AS_PATH & 1))
			miss = "AS_PATH missing";
		else if (u->nlri_len > 0 && !(a->seen >> BGP_ATTR_NEXT_HOP & 1))
			miss = "NEXT_HOP missing";
		if (miss) {
			a->action = BGP_ACT_WITHDRAW;
			a->n_errors++;
			a->err_msg = miss;
			a->err_attr = 0;
			a->err_off = 0;
		}
	}
	return 0;
}

int bgp_open_decode(const uint8_t *p, size_t len, struct bgp_open *o)
{
	memset(o, 0, sizeof *o);
	struct cur c;
	cur_init(&c, p, len);
	uint8_t ol;
	if (cur_u8(&c, &o->version) || cur_u16(&c, &o->my_as) || cur_u16(&c, &o->hold_time) ||
	    cur_u32(&c, &o->bgp_id) || cur_u8(&c, &ol))
		return RW_ETRUNC;
	o->asn = o->my_as;
	size_t optlen = ol;
	bool ext = false;
	/* RFC 9072: Non-Ext OP Len 255 and Non-Ext OP Type 255 */
	if (ol == 255 && cur_left(&c) >= 3 && c.p[0] == BGP_OPT_PARAM_EXTENDED) {
		ext = true;
		optlen = rd16(c.p + 1);
		c.p += 3;
	}
	o->opt_len = (uint16_t)optlen;
	struct cur opts;
	if (cur_sub(&c, optlen, &opts))
		return RW_ETRUNC;
	while (cur_left(&opts)) {
		uint8_t ptype;
		uint16_t plen;
		if (cur_u8(&opts, &ptype))
			return RW_ETRUNC;
		if (ext) {
			if (cur_u16(&opts, &plen))
				return RW_ETRUNC;
		} else {
			uint8_t l8;
			if (cur_u8(&opts, &l8))
				return RW_ETRUNC;
			plen = l8;
		}
		struct cur pv;
		if (cur_sub(&opts, plen, &pv))
			return RW_ETRUNC;
		if (ptype != BGP_OPT_PARAM_CAPABILITIES)
			continue; /* the only parameter in use (RFC 5492) */
		while (cur_left(&pv)) {
			uint8_t code, clen;
			struct cur cv;
			if (cur_u8(&pv, &code) || cur_u8(&pv, &clen) || cur_sub(&pv, clen, &cv))
				return RW_ETRUNC;
			o->n_caps++;
			switch (code) {
			case BGP_CAPA_MULTIPROTOCOL:
				if (clen == 4 && o->n_mp < RW_ARRAY_LEN(o->mp)) {
					o->mp[o->n_mp].afi = rd16(cv.p);
					o->mp[o->n_mp].safi = cv.p[3];
					o->n_mp++;
				}
				break;
			case BGP_CAPA_ROUTE_REFRESH:
			case BGP_CAPA_ROUTE_REFRESH_OLD:
				o->route_refresh = true;
				break;
			case BGP_CAPA_EXTENDED_MESSAGE:
				o->ext_msg = true;
				break;
			case BGP_CAPA_GRACEFUL_RESTART:
				o->graceful_restart = true;
				if (clen >= 2)
					o->gr_time = rd16(cv.p) & 0x0fff;
				break;
			case BGP_CAPA_AS4:
				if (clen == 4) {
					o->as4 = true;
					o->asn = rd32(cv.p);
				}
				break;
			case BGP_CAPA_ADD_PATH:
				for (size_t i = 0; i + 4 <= clen && o->n_addpath < RW_ARRAY_LEN(o->addpath); i += 4) {
					o->addpath[o->n_addpath].afi = rd16(cv.p + i);
					o->addpath[o->n_addpath].safi = cv.p[i + 2];
					o->addpath[o->n_addpath].mode = cv.p[i + 3];
					o->n_addpath++;
				}
				break;
			default:
				break;
			}
		}
	}
	return 0;
}

bool bgp_open_addpath_tx(const struct bgp_open *o, uint16_t afi, uint8_t safi)
{
	for (unsigned i = 0; i < o->n_addpath; i++)
		if (o->addpath[i].afi == afi && o->addpath[i].safi == safi)
			return o->addpath[i].mode & BGP_ADDPATH_SEND;
	return false;
}

int bgp_notification_decode(const uint8_t *p, size_t len, struct bgp_notification *n)
{
	if (len < 2)
		return RW_ETRUNC;
	n->code = p[0];
	n->subcode = p[1];
	n->data = p + 2;
	n->data_len = len - 2;
	return 0;
}

int bgp_route_refresh_decode(const uint8_t *p, size_t len, struct bgp_route_refresh *r)
{
	if (len < 4)
		return RW_ETRUNC;
	r->afi = rd16(p);
	r->subtype = p[2];
	r->safi = p[3];
	return 0;
}

const char *bgp_notification_name(uint8_t code)
{
	switch (code) {
	case BGP_ERR_HEADER: return "Message Header Error";
	case BGP_ERR_OPEN: return "OPEN Message Error";
	case BGP_ERR_UPDATE: return "UPDATE Message Error";
	case BGP_ERR_HOLD_TIMER: return "Hold Timer Expired";
	case BGP_ERR_FSM: return "Finite State Machine Error";
	case BGP_ERR_CEASE: return "Cease";
	case BGP_ERR_ROUTE_REFRESH: return "ROUTE-REFRESH Message Error";
	}
	return "Unknown";
}

const char *bgp_state_name(unsigned state)
{
	static const char *const names[] = {"Unknown", "Idle", "Connect", "Active", "OpenSent",
					     "OpenConfirm", "Established", "Clearing", "Deleted"};
	return state < RW_ARRAY_LEN(names) ? names[state] : "Unknown";
}
