//! Helpers and captured PDUs shared by the unit tests of the MMS codec modules.

use crate::mms::access::VariableRef;
use crate::mms::object_name::ObjectName;
use crate::mms::pdu::{decode_pdu, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
use crate::mms::type_spec::TypeSpec;
use crate::test_util::hex;

/// Whether a PDU is refused: not decoded at all, or a response whose result is not.
pub(crate) fn refused(bytes: &[u8]) -> bool {
    matches!(
        decode_pdu(bytes, 10),
        Err(_) | Ok(MmsPdu::UndecodableResponse { .. })
    )
}

/// A domain-specific variable without alternate access.
pub(crate) fn var(domain: &str, item: &str) -> VariableRef {
    VariableRef {
        domain_id: Some(domain.into()),
        item_id: item.into(),
        ..VariableRef::default()
    }
}

/// Decodes a PDU that must decode (Data nesting 10).
pub(crate) fn decode(bytes: &[u8]) -> MmsPdu {
    decode_pdu(bytes, 10).unwrap()
}

/// The domain of the captured simpleIO requests.
pub(crate) const DOMAIN: &str = "simpleIOGenericIO";

/// `a0 L a1 L 1a 11 "simpleIOGenericIO" 1a L`: the name prefix of the captured requests.
pub(crate) const NAME_PREFIX: &str = "1a 11 73696d706c65494f47656e65726963494f";

/// Initiate request as the reference client sends it.
pub(crate) const INITIATE_REQUEST: &str =
    "a8 26 80 03 00fde8 81 01 05 82 01 05 83 01 0a a4 16 80 01 01
    81 03 05 f100 82 0c 03 ee1c00000408000079ef18";

/// Decodes `rounds` pseudo-random corruptions of `seeds` (one octet changed, up to two
/// cut off the end) drawn from the xorshift state `x`: none may panic.
pub(crate) fn decode_corrupted(seeds: &[Vec<u8>], mut x: u64, rounds: usize) {
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut bytes = seeds[(x % seeds.len() as u64) as usize].clone();
        let pos = (x >> 8) as usize % bytes.len();
        bytes[pos] = (x >> 32) as u8;
        bytes.truncate(bytes.len() - (x >> 40) as usize % 3);
        let _ = decode_pdu(&bytes, 10);
    }
}

/// `1a 08 "DEMOProt"`: the domain of the captured data set traffic.
pub(crate) const DEMO_PROT: &str = "1a08 44454d4f50726f74";

/// Item `LLN0$NewDS`.
pub(crate) const NEW_DS: &str = "1a0a 4c4c4e30244e65774453";

/// Members `GGIO1$ST$Ind1$stVal` and `GGIO1$ST$SPCSO1` of `DEMOProt/LLN0.NewDS`.
pub(crate) const NEW_DS_MEMBERS: &str = "3023 a021 a11f 1a0844454d4f50726f74
    1a13 4747494f3124535424496e643124737456616c
    301f a01d a11b 1a0844454d4f50726f74 1a0f 4747494f3124535424535043534f31";

/// The data set `DEMOProt/LLN0$NewDS` of the captured traffic.
pub(crate) fn demo_list() -> ObjectName {
    ObjectName::Domain("DEMOProt".into(), "LLN0$NewDS".into())
}

/// The association-specific data set `@NewDS` of the captured traffic.
pub(crate) fn aa_list() -> ObjectName {
    ObjectName::Aa("NewDS".into())
}

/// The members of [`demo_list`] (see [`NEW_DS_MEMBERS`]).
pub(crate) fn new_ds_members() -> Vec<VariableRef> {
    vec![
        var("DEMOProt", "GGIO1$ST$Ind1$stVal"),
        var("DEMOProt", "GGIO1$ST$SPCSO1"),
    ]
}

/// Captured request bytes must decode to `service`.
pub(crate) fn assert_request(bytes: &[u8], invoke_id: u32, service: ConfirmedService) {
    assert_eq!(
        decode(bytes),
        MmsPdu::ConfirmedRequest { invoke_id, service }
    );
}

/// Captured response bytes must decode to `service`.
pub(crate) fn assert_response(bytes: &[u8], invoke_id: u32, service: ConfirmedServiceResponse) {
    assert_eq!(
        decode(bytes),
        MmsPdu::ConfirmedResponse { invoke_id, service }
    );
}

/// A structure type of named components.
pub(crate) fn named(components: Vec<(&str, TypeSpec)>) -> TypeSpec {
    TypeSpec::Structure {
        packed: false,
        components: components
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect(),
    }
}

/// `DEMOMeas/MMXU1$MX$TotW` (a float inside `mag`).
pub(crate) const TOTW_RESPONSE: &str =
    "a13d020101a638800100a233a231a12f301a80036d6167a113a211a10f300d\
    800166a108a7060201200201083008800171a1038401f33007800174a1029100";

/// `DEMOProt/GGIO1$CO$SPCSO1` (Oper with origin, octet string, unsigned, bit string).
pub(crate) const SPCSO_RESPONSE: &str =
    "a1818c020102a68186800100a28180a27ea17c307a80044f706572a172a270\
    a16e300c800663746c56616ca1028300302c80066f726967696ea122a220a11e300c80056f72436174a10385\
    0108300e80076f724964656e74a1038901c0300d800663746c4e756da1038601083007800154a10291003\
    00a800454657374a1028300300c8005436865636ba1038401fe";

/// The type of `LLN0$ST$Mod`: stVal, q, t.
pub(crate) fn status() -> TypeSpec {
    named(vec![
        ("stVal", TypeSpec::Integer(8)),
        ("q", TypeSpec::BitString(-13)),
        ("t", TypeSpec::UtcTime),
    ])
}

/// The type of a not-deletable variable in a GetVariableAccessAttributes response PDU.
pub(crate) fn response_spec(pdu: &str) -> TypeSpec {
    match decode_pdu(&hex(pdu), 10).unwrap() {
        MmsPdu::ConfirmedResponse {
            service: ConfirmedServiceResponse::GetVariableAccessAttributes(attrs),
            ..
        } => {
            assert!(!attrs.deletable);
            attrs.type_spec
        }
        other => panic!("unexpected {other:?}"),
    }
}
