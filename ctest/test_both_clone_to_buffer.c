/* MmsValue_getSizeInMemory and MmsValue_cloneToBuffer as a C caller uses them: deep copies
 * packed one after another in one malloc'ed buffer, read, changed in place, cloned and
 * updated, then released with free(). CTest runs this program on our library, under valgrind
 * memcheck (no invalid access, no leak), on the reference libiec61850 1.6.1 and, built
 * against the reference, on ours. The sizes are each library's own layout: only their
 * relations are checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mms_value.h"
#include "check.h"

/* { -7, "text", octets 3 of 10, 13 bits, [ "abc", binary time, 2.5 ], UTC time } */
static MmsValue* tree(void)
{
    MmsValue* s = MmsValue_createEmptyStructure(6);
    MmsValue_setElement(s, 0, MmsValue_newIntegerFromInt32(-7));
    MmsValue_setElement(s, 1, MmsValue_newVisibleString("text"));
    MmsValue_setElement(s, 2, MmsValue_newOctetString(3, 10));
    MmsValue_setElement(s, 3, MmsValue_newBitString(13));
    MmsValue* a = MmsValue_createEmptyArray(3);
    MmsValue_setElement(a, 0, MmsValue_newMmsString("abc"));
    MmsValue_setElement(a, 1, MmsValue_newBinaryTime(false));
    MmsValue_setElement(a, 2, MmsValue_newFloat(2.5f));
    MmsValue_setElement(s, 4, a);
    MmsValue_setElement(s, 5, MmsValue_newUtcTime(1000));
    return s;
}

#define ORIGINAL "{-7,text,000000,0000000000000,{abc,19840101000000.000Z,2.500000},19700101001640.000Z}"
#define CHANGED "{99,abc,01010101010101010101,0000000000001,{abc,19840101000000.000Z,2.500000},19700101001640.000Z}"

int main(void)
{
    MmsValue* v = tree();
    int size = MmsValue_getSizeInMemory(v);
    check(size > 0 && size % 8 == 0, "size in memory is a positive multiple of 8");
    int scalar = MmsValue_getSizeInMemory(MmsValue_getElement(v, 0));
    check(scalar > 0 && scalar < size, "a tree takes more than one of its integers");

    uint8_t* buffer = malloc(2 * (size_t) size);
    uint8_t* second = MmsValue_cloneToBuffer(v, buffer);
    check(second == buffer + size, "cloneToBuffer returns the end of what getSizeInMemory measured");
    check(MmsValue_cloneToBuffer(v, second) == buffer + 2 * size, "a second clone packs after the first");
    MmsValue* c1 = (MmsValue*) buffer;
    MmsValue* c2 = (MmsValue*) second;
    check(prints(c1, ORIGINAL) && prints(c2, ORIGINAL), "both clones print as the original");
    check(MmsValue_equals(c1, v) && MmsValue_equalTypes(c2, v), "clones equal the original");
    check(MmsValue_getType(c1) == MMS_STRUCTURE && MmsValue_getArraySize(c1) == 6
              && MmsValue_getArraySize(MmsValue_getElement(c1, 4)) == 3
              && MmsValue_getOctetStringMaxSize(MmsValue_getElement(c1, 2)) == 10
              && MmsValue_getBitStringSize(MmsValue_getElement(c1, 3)) == 13
              && strcmp(MmsValue_toString(MmsValue_getElement(c1, 1)), "text") == 0,
          "clone elements keep types, sizes and capacity");
    check(MmsValue_getSizeInMemory(c1) == size, "a clone measures as its original");

    /* Changes that fit the clone's buffers: the original and the other clone stay as they were. */
    uint8_t octets[10];
    memset(octets, 0x01, sizeof(octets));
    MmsValue_setInt32(MmsValue_getElement(c1, 0), 99);
    MmsValue_setVisibleString(MmsValue_getElement(c1, 1), "abc");
    MmsValue_setOctetString(MmsValue_getElement(c1, 2), octets, 10);
    MmsValue_setBitStringBit(MmsValue_getElement(c1, 3), 12, true);
    check(prints(c1, CHANGED), "a clone changes in place");
    check(prints(v, ORIGINAL) && prints(c2, ORIGINAL), "the original and the other clone are unchanged");

    MmsValue* copy = MmsValue_clone(c1);
    check(copy != NULL && MmsValue_equals(copy, c1) && prints(copy, CHANGED), "MmsValue_clone of a clone");
    check(MmsValue_update(c2, copy) && prints(c2, CHANGED), "MmsValue_update of a clone");
    MmsValue_delete(copy);

    MmsValue_delete(v);
    check(prints(c1, CHANGED), "a clone outlives its original");
    free(buffer);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
