/* Every client function of this library called with NULL handles, NULL strings and
 * NULL out-parameters: each returns an error code or a neutral value, none crashes.
 * (libiec61850 itself crashes on several of these, so this runs on our library only.) */
#include <stdio.h>
#include <stdlib.h>
#include "iec61850_client.h"

static int passed, failed;

static void check(int ok, const char* what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) passed++; else failed++;
}

int main(void)
{
    IedClientError err = IED_ERROR_OK;

    IedConnection_destroy(NULL);
    IedConnection_close(NULL);
    IedConnection_setConnectTimeout(NULL, 1);
    IedConnection_setRequestTimeout(NULL, 1);
    IedConnection_setMaxOutstandingCalls(NULL, 1, 1);
    IedConnection_setLocalAddress(NULL, "127.0.0.1", 0);
    IedConnection_installStateChangedHandler(NULL, NULL, NULL);
    IedConnection_installConnectionClosedHandler(NULL, NULL, NULL);
    check(IedConnection_getState(NULL) == IED_STATE_CLOSED, "getState(NULL) is CLOSED");
    check(IedConnection_getRequestTimeout(NULL) == 0, "getRequestTimeout(NULL) is 0");
    check(IedConnection_tick(NULL), "tick(NULL) is idle");

    IedConnection_connect(NULL, &err, "127.0.0.1", 102);
    check(err == IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, "connect(NULL handle)");
    IedConnection_abort(NULL, &err);
    check(err == IED_ERROR_NOT_CONNECTED, "abort(NULL)");
    IedConnection_release(NULL, &err);
    check(err == IED_ERROR_NOT_CONNECTED, "release(NULL)");
    check(IedConnection_readObject(NULL, &err, "LD/LN.DO.da", IEC61850_FC_ST) == NULL
          && err == IED_ERROR_CONNECTION_LOST, "readObject(NULL)");
    IedConnection_writeObject(NULL, &err, "LD/LN.DO.da", IEC61850_FC_ST, NULL);
    check(err == IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, "writeObject(NULL, NULL value)");
    check(IedConnection_readFloatValue(NULL, &err, "x", IEC61850_FC_MX) == 0.0f
          && err == IED_ERROR_CONNECTION_LOST, "readFloatValue(NULL)");
    check(IedConnection_readStringValue(NULL, NULL, NULL, IEC61850_FC_ST) == NULL,
          "readStringValue with every pointer NULL");
    check(IedConnection_readTimestampValue(NULL, &err, NULL, IEC61850_FC_ST, NULL) == NULL,
          "readTimestampValue(NULL)");

    IedConnection con = IedConnection_create();
    check(con != NULL, "create");
    IedConnection_connect(con, &err, NULL, 102);
    check(err == IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, "connect(NULL hostname)");
    IedConnection_connect(con, NULL, "127.0.0.1", 1); /* NULL error slot, closed port */
    check(IedConnection_getState(con) == IED_STATE_CLOSED, "connect with NULL error slot");
    IedConnection_setLocalAddress(con, NULL, 0);
    IedConnection_setLocalAddress(con, "not an address", 0);
    IedConnection_installStateChangedHandler(con, NULL, NULL);
    check(IedConnection_readObject(con, &err, NULL, IEC61850_FC_ST) == NULL
          && err == IED_ERROR_CONNECTION_LOST, "readObject(NULL reference) when closed");
    IedConnection_writeVisibleStringValue(con, &err, "LD/LN.DO.da", IEC61850_FC_DC, NULL);
    check(err == IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, "writeVisibleStringValue(NULL string)");
    IedConnection_writeBooleanValue(con, NULL, NULL, IEC61850_FC_ST, true);
    IedConnection_destroy(con);

    con = IedConnection_createEx(NULL, false);
    check(con != NULL, "createEx(NULL, false)");
    check(IedConnection_tick(con), "tick on a closed connection is idle");
    IedConnection_destroy(con);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
