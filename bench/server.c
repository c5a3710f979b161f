/*
 * rs61850 benchmark server: an IedServer on a config-file model, written against the
 * libiec61850 1.6.1 server API only, so the same binary serves with our library or the
 * reference one (chosen with LD_LIBRARY_PATH). bench/run.py runs one per library and
 * measures its threads, RSS and CPU from /proc while bench.c clients use it.
 *
 *   benchserver MODEL PORT MAXCONN
 *       listens on 127.0.0.1:PORT with at most MAXCONN MMS connections, prints
 *       "PORT <n>" once it runs and serves until its stdin ends.
 */
#include <stdio.h>
#include <stdlib.h>

#include "iec61850_config_file_parser.h"
#include "iec61850_server.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: benchserver MODEL PORT MAXCONN\n");
        return 2;
    }
    int port = atoi(argv[2]);
    IedModel *model = ConfigFileParser_createModelFromConfigFileEx(argv[1]);
    if (model == NULL) {
        fprintf(stderr, "benchserver: cannot load %s\n", argv[1]);
        return 1;
    }
    IedServerConfig config = IedServerConfig_create();
    IedServerConfig_setMaxMmsConnections(config, atoi(argv[3]));
    IedServer server = IedServer_createWithConfig(model, NULL, config);
    IedServerConfig_destroy(config);
    if (server == NULL) {
        fprintf(stderr, "benchserver: IedServer_createWithConfig failed\n");
        return 1;
    }
    IedServer_setLocalIpAddress(server, "127.0.0.1");
    IedServer_start(server, port);
    if (!IedServer_isRunning(server)) {
        fprintf(stderr, "benchserver: cannot listen on port %d\n", port);
        IedServer_destroy(server);
        IedModel_destroy(model);
        return 1;
    }
    printf("PORT %d\n", port);
    fflush(stdout);
    /* Serve until the parent closes our stdin. */
    while (getchar() != EOF)
        ;
    IedServer_stop(server);
    IedServer_destroy(server);
    IedModel_destroy(model);
    return 0;
}
