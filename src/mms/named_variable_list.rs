//! MMS named variable list services (ISO 9506-2), both directions: DefineNamedVariableList,
//! GetNamedVariableListAttributes and DeleteNamedVariableList (IEC 61850 data sets).

use crate::ber::{self, Reader};
use crate::mms::access::{decode_variable, write_variable, write_variable_list, VariableRef};
use crate::mms::common::{
    expect_null, identifier, read_all, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST,
    PDU_CONFIRMED_RESPONSE,
};
use crate::mms::object_name::{
    decode_object_name, decode_object_name_in, write_object_name, ObjectName,
};

/// defineNamedVariableList [11] request.
pub(crate) const SERVICE_DEFINE_NVL_REQUEST: u32 = 0xAB;
/// defineNamedVariableList [11] response (NULL).
pub(crate) const SERVICE_DEFINE_NVL_RESPONSE: u32 = 0x8B;
/// getNamedVariableListAttributes [12] in ConfirmedServiceRequest/Response.
pub(crate) const SERVICE_GET_NVL_ATTRIBUTES: u32 = 0xAC;
/// deleteNamedVariableList [13] in ConfirmedServiceRequest/Response.
pub(crate) const SERVICE_DELETE_NVL: u32 = 0xAD;

/// scopeOfDelete of DeleteNamedVariableList.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteScope {
    /// specific (0): the listed names.
    Specific,
    /// aa-specific (1): all lists of this association.
    AaSpecific,
    /// domain (2): all lists of the domain.
    Domain(String),
    /// vmd (3): all lists of the VMD.
    Vmd,
}

/// Writes a DefineNamedVariableList request creating the list `name` of `vars`.
pub fn encode_define_named_variable_list_request(
    invoke_id: u32,
    name: &ObjectName,
    vars: &[VariableRef],
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_DEFINE_NVL_REQUEST,
        |out| {
            write_object_name(out, name);
            write_variable_list(out, vars);
        },
    );
}

/// Writes a DefineNamedVariableList response (server side).
pub fn encode_define_named_variable_list_response(invoke_id: u32, out: &mut Vec<u8>) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_DEFINE_NVL_RESPONSE,
        |_| {},
    );
}

/// Writes a GetNamedVariableListAttributes request for the list `name`.
pub fn encode_get_named_variable_list_attributes_request(
    invoke_id: u32,
    name: &ObjectName,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_GET_NVL_ATTRIBUTES,
        |out| write_object_name(out, name),
    );
}

/// Writes a GetNamedVariableListAttributes response (server side).
pub fn encode_get_named_variable_list_attributes_response(
    invoke_id: u32,
    deletable: bool,
    vars: &[VariableRef],
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_GET_NVL_ATTRIBUTES,
        |out| {
            // The reference server sends TRUE as 0x01.
            ber::write_tlv(out, 0x80, &[u8::from(deletable)]);
            ber::write_constructed(out, 0xA1, |out| {
                vars.iter().for_each(|v| write_variable(out, v))
            });
        },
    );
}

/// Writes a DeleteNamedVariableList request; `names` are the lists of the specific scope.
pub fn encode_delete_named_variable_list_request(
    invoke_id: u32,
    scope: &DeleteScope,
    names: &[ObjectName],
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_REQUEST,
        invoke_id,
        SERVICE_DELETE_NVL,
        |out| {
            let code = match scope {
                DeleteScope::Specific => 0,
                DeleteScope::AaSpecific => 1,
                DeleteScope::Domain(_) => 2,
                DeleteScope::Vmd => 3,
            };
            // The reference client writes the DEFAULT scope explicitly.
            ber::write_u64(out, 0x80, code);
            if !names.is_empty() || *scope == DeleteScope::Specific {
                ber::write_constructed(out, 0xA1, |out| {
                    names.iter().for_each(|n| write_object_name(out, n))
                });
            }
            if let DeleteScope::Domain(domain) = scope {
                ber::write_tlv(out, 0x82, domain.as_bytes());
            }
        },
    );
}

/// Writes a DeleteNamedVariableList response (server side).
pub fn encode_delete_named_variable_list_response(
    invoke_id: u32,
    matched: u32,
    deleted: u32,
    out: &mut Vec<u8>,
) {
    write_confirmed_ok(
        out,
        PDU_CONFIRMED_RESPONSE,
        invoke_id,
        SERVICE_DELETE_NVL,
        |out| {
            ber::write_u64(out, 0x80, u64::from(matched));
            ber::write_u64(out, 0x81, u64::from(deleted));
        },
    );
}

/// Decodes a DefineNamedVariableList-Request body: the list's name and its members.
pub(crate) fn decode_define_request(v: &[u8]) -> Result<(ObjectName, Vec<VariableRef>), MmsError> {
    let mut r = Reader::new(v);
    let name = decode_object_name(&r.read_tlv()?)?;
    let vars = read_all(r.expect(0xA0)?, decode_variable)?;
    if !r.is_empty() {
        return Err(MmsError::Invalid(
            "trailing bytes in DefineNamedVariableList",
        ));
    }
    Ok((name, vars))
}

/// Decodes a DefineNamedVariableList-Response body (a NULL).
pub(crate) fn decode_define_response(v: &[u8]) -> Result<(), MmsError> {
    expect_null(v)
}

/// Decodes a GetNamedVariableListAttributes-Request body: the list's name.
pub(crate) fn decode_attributes_request(v: &[u8]) -> Result<ObjectName, MmsError> {
    decode_object_name_in(v)
}

/// Decodes a GetNamedVariableListAttributes-Response body: mmsDeletable and the members.
pub(crate) fn decode_attributes_response(v: &[u8]) -> Result<(bool, Vec<VariableRef>), MmsError> {
    let mut r = Reader::new(v);
    let deletable = ber::decode_bool(r.expect(0x80)?)?;
    let vars = read_all(r.expect(0xA1)?, decode_variable)?;
    // accessControlList [2] (ISO 9506 2003) carries nothing a client uses.
    r.read_optional(0x82)?;
    if !r.is_empty() {
        return Err(MmsError::Invalid(
            "trailing bytes in GetNamedVariableListAttributes response",
        ));
    }
    Ok((deletable, vars))
}

/// Decodes a DeleteNamedVariableList-Request body: the scope and the listed names.
pub(crate) fn decode_delete_request(v: &[u8]) -> Result<(DeleteScope, Vec<ObjectName>), MmsError> {
    let mut r = Reader::new(v);
    let scope = r.read_optional(0x80)?.map(ber::decode_u64).transpose()?;
    let names = r
        .read_optional(0xA1)?
        .map(|names| read_all(names, decode_object_name))
        .transpose()?
        .unwrap_or_default();
    let domain = r.read_optional(0x82)?.map(identifier).transpose()?;
    if !r.is_empty() {
        return Err(MmsError::Invalid(
            "trailing bytes in DeleteNamedVariableList",
        ));
    }
    let scope = match (scope.unwrap_or(0), domain) {
        (0, None) => DeleteScope::Specific,
        (1, None) => DeleteScope::AaSpecific,
        (2, Some(domain)) => DeleteScope::Domain(domain),
        (3, None) => DeleteScope::Vmd,
        _ => return Err(MmsError::Invalid("scopeOfDelete")),
    };
    Ok((scope, names))
}

/// Decodes a DeleteNamedVariableList-Response body: numberMatched and numberDeleted.
pub(crate) fn decode_delete_response(v: &[u8]) -> Result<(u32, u32), MmsError> {
    let mut r = Reader::new(v);
    let matched = ber::decode_u32(r.expect(0x80)?)?;
    let deleted = ber::decode_u32(r.expect(0x81)?)?;
    if !r.is_empty() {
        return Err(MmsError::Invalid(
            "trailing bytes in DeleteNamedVariableList response",
        ));
    }
    Ok((matched, deleted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::common::TAG_INTEGER;
    use crate::mms::pdu::{
        confirmed_error_to_mms_error, ConfirmedService, ConfirmedServiceResponse, MmsPdu,
    };
    use crate::mms::testing::*;
    use crate::test_util::hex;

    #[test]
    fn define_named_variable_list_matches_reference() {
        // createDataSet("DEMOProt/LLN0.NewDS", [GGIO1.Ind1.stVal[ST], GGIO1.SPCSO1[ST]])
        let request = hex(&format!(
            "a065 020101 ab60 a116 {DEMO_PROT} {NEW_DS} a046 {NEW_DS_MEMBERS}"
        ));
        let mut out = Vec::new();
        encode_define_named_variable_list_request(1, &demo_list(), &new_ds_members(), &mut out);
        assert_eq!(out, request);
        assert_request(
            &request,
            1,
            ConfirmedService::DefineNamedVariableList {
                name: demo_list(),
                vars: new_ds_members(),
            },
        );
        let response = hex("a105 020101 8b00");
        out.clear();
        encode_define_named_variable_list_response(1, &mut out);
        assert_eq!(out, response);
        assert_response(
            &response,
            1,
            ConfirmedServiceResponse::DefineNamedVariableList,
        );

        // createDataSet("@NewDS", [GGIO1.Ind1.stVal[ST], GGIO1.Ind2.stVal[ST]])
        let vars = vec![
            var("DEMOProt", "GGIO1$ST$Ind1$stVal"),
            var("DEMOProt", "GGIO1$ST$Ind2$stVal"),
        ];
        let request = hex(&format!(
            "a058 02010d ab53 8205 4e65774453 a04a
             3023 a021 a11f {DEMO_PROT} 1a13 4747494f3124535424496e643124737456616c
             3023 a021 a11f {DEMO_PROT} 1a13 4747494f3124535424496e643224737456616c"
        ));
        out.clear();
        encode_define_named_variable_list_request(13, &aa_list(), &vars, &mut out);
        assert_eq!(out, request);
        assert_request(
            &request,
            13,
            ConfirmedService::DefineNamedVariableList {
                name: aa_list(),
                vars,
            },
        );

        // createDataSet("NoSlash", ...) names a VMD-specific list; an array member
        // "GGIO1.Ind1(1).stVal[ST]" becomes index and component alternate access.
        let member = var("DEMOProt", "GGIO1$ST$Ind1$stVal");
        let request = hex(&format!(
            "a035 020105 ab30 8007 4e6f536c617368
             a025 3023 a021 a11f {DEMO_PROT} 1a13 4747494f3124535424496e643124737456616c"
        ));
        out.clear();
        let vmd = ObjectName::Vmd("NoSlash".into());
        encode_define_named_variable_list_request(5, &vmd, &[member], &mut out);
        assert_eq!(out, request);
        let member = VariableRef {
            array_index: Some(1),
            component: Some("stVal".into()),
            ..var("DEMOProt", "GGIO1$ST$Ind1")
        };
        let name = ObjectName::Domain("DEMOProt".into(), "LLN0$Arr".into());
        let request = hex(&format!(
            "a04c 020107 ab47 a114 {DEMO_PROT} 1a08 4c4c4e3024417272
             a02f 302d a01b a119 {DEMO_PROT} 1a0d 4747494f3124535424496e6431
             a50e a00c 810101 3007 8105 737456616c"
        ));
        out.clear();
        encode_define_named_variable_list_request(
            7,
            &name,
            std::slice::from_ref(&member),
            &mut out,
        );
        assert_eq!(out, request);
        assert_request(
            &request,
            7,
            ConfirmedService::DefineNamedVariableList {
                name,
                vars: vec![member],
            },
        );

        // Data set exists: definition/object-exists; a member missing: object-undefined;
        // no members: definition/other.
        for (bytes, code, mms_error) in [
            ("a20a 800102 a205 a003 820105", 5, 35),
            ("a20a 800103 a205 a003 820101", 1, 34),
            ("a20a 800101 a205 a003 820100", 0, 30),
        ] {
            let MmsPdu::ConfirmedError { class, code: c, .. } = decode(&hex(bytes)) else {
                panic!("not an error: {bytes}")
            };
            assert_eq!((class, c), (2, code));
            assert_eq!(confirmed_error_to_mms_error(class, c), mms_error);
        }
    }

    #[test]
    fn get_named_variable_list_attributes_both_directions() {
        let request = hex(&format!("a01d 020104 ac18 a116 {DEMO_PROT} {NEW_DS}"));
        let mut out = Vec::new();
        encode_get_named_variable_list_attributes_request(4, &demo_list(), &mut out);
        assert_eq!(out, request);
        assert_request(
            &request,
            4,
            ConfirmedService::GetNamedVariableListAttributes(demo_list()),
        );
        let response = hex(&format!("a150 020104 ac4b 800101 a146 {NEW_DS_MEMBERS}"));
        out.clear();
        encode_get_named_variable_list_attributes_response(4, true, &new_ds_members(), &mut out);
        assert_eq!(out, response);
        assert_response(
            &response,
            4,
            ConfirmedServiceResponse::GetNamedVariableListAttributes {
                deletable: true,
                vars: new_ds_members(),
            },
        );

        // The aa-specific list.
        let request = hex("a00c 02010e ac07 8205 4e65774453");
        out.clear();
        encode_get_named_variable_list_attributes_request(14, &aa_list(), &mut out);
        assert_eq!(out, request);
        assert_request(
            &request,
            14,
            ConfirmedService::GetNamedVariableListAttributes(aa_list()),
        );

        // The configured (not deletable) data set Events, with long-form lengths.
        let members = ["Ind1$stVal", "Ind2$stVal", "SPCSO1$stVal", "SPCSO2$stVal"]
            .map(|m| var("DEMOProt", &format!("GGIO1$ST${m}")));
        let response = hex(&format!(
            "a181a4 020105 ac819e 800100 a18198
             3023 a021 a11f {DEMO_PROT} 1a13 4747494f3124535424496e643124737456616c
             3023 a021 a11f {DEMO_PROT} 1a13 4747494f3124535424496e643224737456616c
             3025 a023 a121 {DEMO_PROT} 1a15 4747494f3124535424535043534f3124737456616c
             3025 a023 a121 {DEMO_PROT} 1a15 4747494f3124535424535043534f3224737456616c"
        ));
        out.clear();
        encode_get_named_variable_list_attributes_response(5, false, &members, &mut out);
        assert_eq!(out, response);
        assert_response(
            &response,
            5,
            ConfirmedServiceResponse::GetNamedVariableListAttributes {
                deletable: false,
                vars: members.to_vec(),
            },
        );
        // A missing data set: access/object-non-existent.
        assert_eq!(
            decode(&hex("a20a 800106 a205 a003 870102")),
            MmsPdu::ConfirmedError {
                invoke_id: 6,
                class: 7,
                code: 2
            }
        );
    }

    #[test]
    fn delete_named_variable_list_both_directions() {
        let request = hex(&format!(
            "a022 02010a ad1d 800100 a118 a116 {DEMO_PROT} {NEW_DS}"
        ));
        let mut out = Vec::new();
        let names = [demo_list()];
        encode_delete_named_variable_list_request(10, &DeleteScope::Specific, &names, &mut out);
        assert_eq!(out, request);
        assert_request(
            &request,
            10,
            ConfirmedService::DeleteNamedVariableList {
                scope: DeleteScope::Specific,
                names: names.to_vec(),
            },
        );
        let request = hex("a011 020111 ad0c 800100 a107 8205 4e65774453");
        out.clear();
        encode_delete_named_variable_list_request(
            17,
            &DeleteScope::Specific,
            &[aa_list()],
            &mut out,
        );
        assert_eq!(out, request);
        assert_request(
            &request,
            17,
            ConfirmedService::DeleteNamedVariableList {
                scope: DeleteScope::Specific,
                names: vec![aa_list()],
            },
        );
        // Deleted; missing (0 matched); not deletable (matched, 0 deleted).
        for (bytes, matched, deleted) in [
            ("a10b 02010a ad06 800101 810101", 1, 1),
            ("a10b 02010a ad06 800100 810100", 0, 0),
            ("a10b 02010a ad06 800101 810100", 1, 0),
        ] {
            let bytes = hex(bytes);
            assert_response(
                &bytes,
                10,
                ConfirmedServiceResponse::DeleteNamedVariableList { matched, deleted },
            );
            out.clear();
            encode_delete_named_variable_list_response(10, matched, deleted, &mut out);
            assert_eq!(out, bytes);
        }
        // Other scopes round-trip; an absent scope is specific.
        for scope in [
            DeleteScope::AaSpecific,
            DeleteScope::Domain("LD".into()),
            DeleteScope::Vmd,
        ] {
            out.clear();
            encode_delete_named_variable_list_request(1, &scope, &[], &mut out);
            assert_request(
                &out,
                1,
                ConfirmedService::DeleteNamedVariableList {
                    scope,
                    names: vec![],
                },
            );
        }
        assert_eq!(&out[5..], hex("ad 03 800103"));
        assert_request(
            &hex("a0 07 020101 ad 02 a100"),
            1,
            ConfirmedService::DeleteNamedVariableList {
                scope: DeleteScope::Specific,
                names: vec![],
            },
        );
    }

    #[test]
    fn hostile_named_list_pdus_are_errors() {
        // (PDU tag, service tag, service content) around invokeID 1.
        let cases = [
            (0xA0, 0x82, "00"),                        // identify request with content
            (0xA1, 0x8B, "00"),                        // define response with content
            (0xA1, 0xA2, "8000 8100"),                 // identify without revision
            (0xA1, 0xA2, "8000 8100 8200 0500"),       // identify, trailing TLV
            (0xA0, 0xAB, "8001 41"),                   // define without members
            (0xA0, 0xAB, "8001 41 a000 0500"),         // define, trailing TLV
            (0xA0, 0xAB, "a400 a000"),                 // define, bad name form
            (0xA0, 0xAB, "8001 41 a005 3003 a001 80"), // define, truncated member
            (0xA0, 0xAB, "8001 41 a00a 3008 a006 8204 41424344"), // define, aa-specific member
            (0xA0, 0xAB, "8001 41 a002 0500"),         // define, member not a SEQUENCE
            (0xA0, 0xAC, "8001 41 8000"),              // attributes of two names
            (0xA0, 0xAC, "8300"),                      // unknown name form
            (0xA0, 0xAC, ""),                          // no name
            (0xA0, 0xAD, "800104"),                    // scope 4
            (0xA0, 0xAD, "800102"),                    // domain scope without domain
            (0xA0, 0xAD, "800100 820141"),             // domain with specific scope
            (0xA0, 0xAD, "a102 0500"),                 // bad name in the list
            (0xA0, 0xAD, "800100 a100 0500"),          // delete, trailing TLV
            (0xA1, 0xAC, "800101"),                    // attributes without members
            (0xA1, 0xAC, "8000 a100"),                 // deletable of zero octets
            (0xA1, 0xAC, "800101 a100 0500"),          // attributes, trailing TLV
            (0xA1, 0xAC, "800101 a103 3001 00"),       // bad member
            (0xA1, 0xAD, "800101"),                    // without numberDeleted
            (0xA1, 0xAD, "800101 810101 0500"),        // delete, trailing TLV
            (0xA1, 0xAD, "800501 00000000 810101"),    // numberMatched above u32
            (0xA0, 0xA5, "a102 8000 a000 0500"),       // write list, trailing TLV
            (0xA0, 0xA5, "a102 8000"),                 // write list without values
        ];
        for (pdu, tag, content) in cases {
            let content = hex(content);
            let mut bytes = Vec::new();
            ber::write_constructed(&mut bytes, pdu, |out| {
                ber::write_u64(out, TAG_INTEGER, 1);
                ber::write_tlv(out, tag, &content);
            });
            assert!(refused(&bytes), "{pdu:x} {tag:x} {content:02x?}");
        }
        // Random corruption of the captured vectors never panics.
        let seeds = [
            hex(&format!("a150 020104 ac4b 800101 a146 {NEW_DS_MEMBERS}")),
            hex(&format!("a065 020101 ab60 a116 {DEMO_PROT} {NEW_DS} a046 {NEW_DS_MEMBERS}")),
            hex(&format!("a022 02010a ad1d 800100 a118 a116 {DEMO_PROT} {NEW_DS}")),
            hex("a12a 020113 a225 800f 6c696269656336313835302e636f6d 810b 4c49424945433631383530 8205 312e362e31"),
        ];
        decode_corrupted(&seeds, 0x9E37_79B9_7F4A_7C15, 20_000);
    }
}
