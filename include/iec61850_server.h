/* iec61850_server.h: libiec61850 1.6.1 compatible header of rs61850. */
/* All declarations live in rs61850_generated.h (cbindgen output of src/ffi). */
#ifndef RS61850_IEC61850_SERVER_H
#define RS61850_IEC61850_SERVER_H

#include "rs61850_generated.h"

#endif /* RS61850_IEC61850_SERVER_H */
