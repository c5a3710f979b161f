/* An IedServer as a C server program uses it: a model from demo.cfg served on a free port,
 * an IedConnection reading and writing it, stop and destroy. Runs on our library (also
 * under valgrind), on the reference, and linked against the reference on ours. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include "iec61850_server.h"
#include "iec61850_client.h"
#include "iec61850_config_file_parser.h"
#include "hal_thread.h"
#include "check.h"

/* A port nobody listens on now (the kernel's choice for an ephemeral bind). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    socklen_t len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr*) &a, sizeof(a));
    getsockname(s, (struct sockaddr*) &a, &len);
    close(s);
    return ntohs(a.sin_port);
}

int main(void)
{
    IedModel* model = ConfigFileParser_createModelFromConfigFileEx(RS61850_FIXTURES "/demo.cfg");
    check(model != NULL, "demo.cfg loads");
    if (model == NULL) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }
    IedServerConfig config = IedServerConfig_create();
    IedServerConfig_setMaxMmsConnections(config, 3);
    check(IedServerConfig_getMaxMmsConnections(config) == 3, "max connections stored");
    IedServer server = IedServer_createWithConfig(model, NULL, config);
    IedServerConfig_destroy(config);
    check(server != NULL, "server created");
    check(IedServer_getDataModel(server) == model, "getDataModel");
    check(!IedServer_isRunning(server), "not running before start");
    int port = free_port();
    IedServer_setLocalIpAddress(server, "127.0.0.1");
    IedServer_start(server, port);
    check(IedServer_isRunning(server), "running after start");

    IedClientError err;
    IedConnection con = IedConnection_create();
    IedConnection_connect(con, &err, "127.0.0.1", port);
    check(err == IED_ERROR_OK, "client connects");
    int32_t v = IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST);
    check(err == IED_ERROR_OK && v == -42, "reads the config value");

    DataAttribute* da = (DataAttribute*) IedModel_getModelNodeByObjectReference(model, "DEMOMeas/GAPC1.IntIn.stVal");
    IedServer_lockDataModel(server);
    IedServer_updateInt32AttributeValue(server, da, 77);
    IedServer_unlockDataModel(server);
    check(IedServer_getInt32AttributeValue(server, da) == 77, "server reads its update");
    v = IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST);
    check(err == IED_ERROR_OK && v == 77, "client reads the update");

    MmsValue* nv = MmsValue_newIntegerFromInt32(333);
    IedConnection_writeObject(con, &err, "DEMOProt/PTOC1.OpDlTmms.setVal", IEC61850_FC_SP, nv);
    check(err == IED_ERROR_OK, "write to SP accepted");
    IedConnection_writeObject(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST, nv);
    check(err == IED_ERROR_ACCESS_DENIED, "write to ST refused");
    MmsValue_delete(nv);
    DataAttribute* sp = (DataAttribute*) IedModel_getModelNodeByObjectReference(model, "DEMOProt/PTOC1.OpDlTmms.setVal");
    check(IedServer_getInt32AttributeValue(server, sp) == 333, "write reached the model");
    float f = IedConnection_readFloatValue(con, &err, "DEMOMeas/MMXU1.TotW.mag.f", IEC61850_FC_MX);
    check(err == IED_ERROR_OK && f > 1500.2f && f < 1500.3f, "reads a float");
    check(IedServer_getNumberOfOpenConnections(server) == 1, "one open connection");

    IedServer_stop(server);
    check(!IedServer_isRunning(server), "stopped");
    IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST);
    check(err != IED_ERROR_OK, "client lost the stopped server");
    IedConnection_destroy(con);
    IedServer_destroy(server);
    IedModel_destroy(model);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
