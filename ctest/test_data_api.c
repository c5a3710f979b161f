/* The data API from C: MmsValue construction, conversion, printing, trees and ownership,
 * LinkedList and Timestamp. Expected texts were observed on libiec61850 1.6.1. CTest also
 * runs this program under valgrind memcheck (test data_api_memcheck): no invalid access,
 * no leak. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iec61850_common.h"
#include "linked_list.h"
#include "mms_value.h"
#include "check.h"

int main(void)
{
    MmsValue* i = MmsValue_newIntegerFromInt32(-42);
    check(MmsValue_getType(i) == MMS_INTEGER && MmsValue_toInt32(i) == -42 && prints(i, "-42"), "int32");
    MmsValue_setInt32(i, 7);
    check(MmsValue_toInt64(i) == 7, "setInt32");

    MmsValue* f = MmsValue_newFloat(1500.25f);
    check(MmsValue_getType(f) == MMS_FLOAT && MmsValue_toFloat(f) == 1500.25f && prints(f, "1500.250000"), "float");

    MmsValue* s = MmsValue_newVisibleString("hello");
    check(strcmp(MmsValue_toString(s), "hello") == 0 && prints(s, "hello"), "visible string");
    MmsValue_setVisibleString(s, "a longer text than before");
    check(strcmp(MmsValue_toString(s), "a longer text than before") == 0, "setVisibleString");

    MmsValue* q = MmsValue_newBitString(13);
    MmsValue_setBitStringFromInteger(q, 0x801);
    check(MmsValue_getBitStringAsInteger(q) == 0x801 && prints(q, "1000000000010"), "quality bit string");

    MmsValue* t = MmsValue_newUtcTimeByMsTime(1700000000123ULL);
    check(MmsValue_getUtcTimeInMs(t) == 1700000000123ULL && prints(t, "20231114221320.123Z"), "utc time");

    uint8_t octets[3] = {0x01, 0xab, 0xff};
    MmsValue* o = MmsValue_newOctetString(0, 8);
    MmsValue_setOctetString(o, octets, 3);
    check(MmsValue_getOctetStringSize(o) == 3 && MmsValue_getOctetStringMaxSize(o) == 8
          && memcmp(MmsValue_getOctetStringBuffer(o), octets, 3) == 0, "octet string");

    /* A structure owns its elements; setElement adopts, getElement borrows. */
    MmsValue* st = MmsValue_createEmptyStructure(3);
    MmsValue_setElement(st, 0, MmsValue_newBoolean(true));
    MmsValue_setElement(st, 1, MmsValue_clone(f));
    MmsValue_setElement(st, 2, MmsValue_clone(q));
    check(MmsValue_getArraySize(st) == 3 && MmsValue_getElement(st, 1) != f
          && prints(st, "{true,1500.250000,1000000000010}"), "structure");
    MmsValue* copy = MmsValue_clone(st);
    check(MmsValue_equals(copy, st), "clone equals");
    MmsValue_setBoolean(MmsValue_getElement(copy, 0), false);
    check(!MmsValue_equals(copy, st) && MmsValue_update(copy, st) && MmsValue_equals(copy, st), "update");
    check(MmsValue_getElement(st, 3) == NULL, "element out of range");

    /* BER round trip. */
    uint8_t ber[64];
    int size = MmsValue_encodeMmsData(st, ber, 0, true);
    int end = 0;
    MmsValue* decoded = MmsValue_decodeMmsData(ber, 0, size, &end);
    check(size > 0 && end == size && MmsValue_equals(decoded, st), "encode/decode");

    /* LinkedList: head node, malloc'ed data released by destroy. */
    LinkedList list = LinkedList_create();
    LinkedList_add(list, strdup("one"));
    LinkedList_add(list, strdup("two"));
    check(LinkedList_size(list) == 2 && strcmp((char*) LinkedList_getData(LinkedList_get(list, 1)), "two") == 0,
          "linked list");
    LinkedList_destroy(list);
    LinkedList values = LinkedList_create();
    LinkedList_add(values, MmsValue_newIntegerFromInt32(1));
    LinkedList_destroyDeep(values, (LinkedListValueDeleteFunction) MmsValue_delete);

    Timestamp ts;
    Timestamp_clearFlags(&ts);
    Timestamp_setTimeInMilliseconds(&ts, 1700000000123ULL);
    check(Timestamp_getTimeInMs(&ts) == 1700000000123ULL, "timestamp");

    MmsValue_delete(i);
    MmsValue_delete(f);
    MmsValue_delete(s);
    MmsValue_delete(q);
    MmsValue_delete(t);
    MmsValue_delete(o);
    MmsValue_delete(st);
    MmsValue_delete(copy);
    MmsValue_delete(decoded);
    MmsValue_delete(NULL);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
