/* iso_connection_parameters.h: libiec61850 1.6.1 compatible header of rs61850. */
/* All declarations live in rs61850_generated.h (cbindgen output of src/ffi). */
#ifndef RS61850_ISO_CONNECTION_PARAMETERS_H
#define RS61850_ISO_CONNECTION_PARAMETERS_H

/* rs61850 has no TLS: struct sIsoConnectionParameters always has the
 * CONFIG_MMS_SUPPORT_TLS=0 layout (no tlsConfiguration member). */
#ifndef CONFIG_MMS_SUPPORT_TLS
#define CONFIG_MMS_SUPPORT_TLS 0
#endif

#include "rs61850_generated.h"

#endif /* RS61850_ISO_CONNECTION_PARAMETERS_H */
