/* Error strings for enum rw_err. */
#include "base.h"

const char *rw_strerror(int err)
{
	switch (err) {
	case RW_OK: return "ok";
	case RW_ETRUNC: return "truncated";
	case RW_EMALFORMED: return "malformed";
	case RW_EUNSUPPORTED: return "unsupported";
	case RW_ENOMEM: return "out of memory";
	case RW_EIO: return "I/O error";
	case RW_EDB: return "database error";
	case RW_ELIMIT: return "limit exceeded";
	case RW_EINVAL: return "invalid argument";
	case RW_ENOTFOUND: return "not found";
	case RW_ECOMPRESS: return "corrupt compressed stream";
	case RW_EBUSY: return "held by another process";
	}
	return "unknown error";
}
