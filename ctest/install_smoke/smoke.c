/* Uses the installed library: headers, a constant, a type and a function. */
#include <stdio.h>

#include "hal_time.h"
#include "iec61850_client.h"

int main(void)
{
    msSinceEpoch now = Hal_getTimeInMs();
    LastApplError err = {0, CONTROL_ERROR_NO_ERROR, ADD_CAUSE_UNKNOWN};

    if (now == 0 || err.error != 0 || IED_ERROR_OK != 0) {
        printf("unexpected values\n");
        return 1;
    }
    printf("smoke ok\n");
    return 0;
}
