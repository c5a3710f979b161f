//! Fuzz targets for every decoder entry point of rs61850.
//!
//! Each target is a plain `fn(&[u8])` that panics only on a bug: decoders must turn
//! any input into `Ok` or `Err`, and the checked invariants (round trips, bounded
//! buffers, released call slots) must hold. `fuzz_targets/` wraps each for libFuzzer;
//! `src/bin/replay.rs` runs them without it. [`TARGETS`] lists them by name.

use std::collections::HashSet;
use std::ffi::{c_char, c_int};

use iec61850::client::protocol::{ClientProtocol, Event, Phase};
use iec61850::ffi::mms_value::*;
use iec61850::mms::access::VariableRef;
use iec61850::mms::data::{self, MAX_NESTING};
use iec61850::mms::initiate::{self, InitiateParams};
use iec61850::mms::pdu;
use iec61850::mms::type_spec;
use iec61850::mms::value::{BitString, OctetString};
use iec61850::mms::variable_access_attributes;
use iec61850::mms::MmsValue;
use iec61850::model::config_file;
use iec61850::osi::tpkt::{self, Framer};
use iec61850::osi::{acse, cotp, presentation, session};
use iec61850::osi::{IsoEvent, IsoParams, IsoServer};
use iec61850::server::protocol::{self as server, ServerConfig, ServerProtocol};

/// A fuzz target: panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target by name (the names of `fuzz_targets/*.rs` and of the seed folders).
pub const TARGETS: &[(&str, Target)] = &[
    ("tpkt", tpkt),
    ("cotp", cotp),
    ("session", session),
    ("presentation", presentation),
    ("acse", acse),
    ("mms_pdu", mms_pdu),
    ("mms_data", mms_data),
    ("type_spec", type_spec),
    ("client_protocol", client_protocol),
    ("server_protocol", server_protocol),
    ("value_roundtrip", value_roundtrip),
    ("mms_value_api", mms_value_api),
    ("config_file", config_file),
];

/// TPKT framer: the first octet picks the frame limit and the feeding chunk size; the
/// framer never buffers more than one frame plus one chunk.
pub fn tpkt(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let max_frame = 7 + usize::from(sel) * 257;
    let chunk = usize::from(sel % 16) + 1;
    let mut framer = Framer::new(max_frame);
    for piece in rest.chunks(chunk) {
        framer.push(piece);
        loop {
            match framer.next_frame() {
                Ok(Some(frame)) => assert!(frame.len() + tpkt::HEADER_LEN <= max_frame),
                Ok(None) => break,
                Err(_) => return,
            }
        }
        assert!(framer.buffered() < max_frame.min(tpkt::MAX_FRAME) + chunk);
    }
}

/// COTP TPDU decoder, then the TSDU reassembler over the same bytes cut into DT segments.
pub fn cotp(data: &[u8]) {
    let _ = cotp::decode(data);
    let mut reassembler = cotp::Reassembler::new(1024);
    for segment in data.chunks(97) {
        let eot = segment.first().is_some_and(|b| b & 1 == 1);
        if let Ok(Some(tsdu)) = reassembler.push(eot, segment) {
            assert!(tsdu.len() <= 1024);
        }
    }
}

/// Session SPDU decoder.
pub fn session(data: &[u8]) {
    let _ = session::decode(data);
}

/// Every presentation PPDU decoder.
pub fn presentation(data: &[u8]) {
    let _ = presentation::decode_user_data(data);
    let _ = presentation::decode_connect(data);
    let _ = presentation::decode_accept(data);
    let _ = presentation::decode_refuse(data);
    let _ = presentation::decode_abort(data);
}

/// ACSE APDU decoder.
pub fn acse(data: &[u8]) {
    let _ = acse::decode(data);
}

/// MMS PDU decoder at the client's nesting limit and at the largest one.
pub fn mms_pdu(data: &[u8]) {
    let _ = pdu::decode_pdu(data, 10);
    let _ = pdu::decode_pdu(data, MAX_NESTING);
}

/// MMS Data decoder; whatever decodes re-encodes to bytes that decode to the same value.
pub fn mms_data(data: &[u8]) {
    let Ok((value, used)) = data::decode_data(data, MAX_NESTING) else {
        return;
    };
    assert!(used <= data.len());
    let mut encoded = Vec::new();
    if data::encode_data(&value, &mut encoded).is_ok() {
        assert_same_encoding(&encoded);
    }
}

/// TypeSpecification and GetVariableAccessAttributes-Response decoders; a decoded
/// specification re-encodes to bytes that decode to the same specification.
pub fn type_spec(data: &[u8]) {
    let _ = variable_access_attributes::decode_gvaa_response_body(data);
    let Ok((spec, used)) = type_spec::decode_type_spec(data) else {
        return;
    };
    assert!(used <= data.len());
    let mut encoded = Vec::new();
    type_spec::encode_type_spec(&spec, &mut encoded);
    let (again, _) = type_spec::decode_type_spec(&encoded).expect("re-encoded spec decodes");
    assert_eq!(again, spec);
}

/// The client protocol state machine after association. The first octet picks the mode:
/// odd, the rest is a sequence of `[len, bytes...]` MMS PDUs that a valid ISO stack
/// carries; even, the rest is raw socket bytes fed in chunks of `(first >> 1) + 1`.
/// Invariants: responses come only for outstanding invoke IDs, once each; the
/// outstanding count stays within the negotiated limit and is 0 once closed.
pub fn client_protocol(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (mut client, mut peer) = associated();
    let (mut out, mut events) = (Vec::new(), Vec::new());
    let var = VariableRef {
        domain_id: Some("LD".into()),
        item_id: "X".into(),
        ..Default::default()
    };
    let mut issued: HashSet<u32> = HashSet::new();
    for _ in 0..2 {
        issued.insert(client.read(std::slice::from_ref(&var), &mut out).unwrap());
    }
    if mode & 1 == 1 {
        let mut rest = rest;
        while let Some((&len, tail)) = rest.split_first() {
            let (mms, tail) = tail.split_at(usize::from(len).min(tail.len()));
            rest = tail;
            let mut wire = Vec::new();
            peer.send_data(mms, &mut wire);
            client.feed(&wire, &mut out, &mut events);
        }
    } else {
        for piece in rest.chunks(usize::from(mode >> 1) + 1) {
            client.feed(piece, &mut out, &mut events);
        }
    }
    let mut answered = HashSet::new();
    for event in &events {
        if let Event::Response { invoke_id, .. } = event {
            assert!(
                issued.contains(invoke_id),
                "response to a foreign invoke ID"
            );
            assert!(answered.insert(*invoke_id), "two responses to one request");
        }
    }
    assert!(client.outstanding() <= 2 - answered.len());
    if client.phase() == Phase::Closed {
        assert_eq!(client.outstanding(), 0);
    }
}

/// `ServerProtocol::feed`. First octet odd: the server is associated with our client
/// first and the rest is `[len, mms...]` PDUs carried by the client's ISO stack; even:
/// the rest is raw socket bytes from the start, fed in chunks of `(first >> 1) + 1`.
/// Invariants: a request's invoke ID is never outstanding twice; the outstanding count
/// stays within the negotiated limit and is 0 once closed; every outstanding request can
/// be answered while associated.
pub fn server_protocol(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // Bit 7: the application decides associations (bit 6: it refuses them).
    let config = ServerConfig {
        authenticate: mode & 0x80 != 0,
        ..ServerConfig::default()
    };
    let accept = mode & 0x40 == 0;
    let mut server = ServerProtocol::new(config);
    let (mut out, mut events) = (Vec::new(), Vec::new());
    let decide = |server: &mut ServerProtocol, out: &mut Vec<u8>, events: &mut Vec<_>, accept| {
        if server.phase() == server::Phase::Authenticating {
            server.decide_association(accept, out, events);
        }
    };
    if mode & 1 == 1 {
        let mut client =
            ClientProtocol::new(IsoParams::default(), InitiateParams::client_default());
        let (mut to_server, mut client_events) = (Vec::new(), Vec::new());
        client.start(&mut to_server);
        while client.phase() != Phase::Associated {
            let mut to_client = Vec::new();
            server.feed(&std::mem::take(&mut to_server), &mut to_client, &mut events);
            decide(&mut server, &mut to_client, &mut events, true);
            client.feed(&to_client, &mut to_server, &mut client_events);
        }
        let mut rest = rest;
        while let Some((&len, tail)) = rest.split_first() {
            let (mms, tail) = tail.split_at(usize::from(len).min(tail.len()));
            rest = tail;
            let mut wire = Vec::new();
            // Any PDU goes out this way while the client is associated.
            if client.respond(mms, &mut wire).is_err() {
                break;
            }
            server.feed(&wire, &mut out, &mut events);
        }
    } else {
        for piece in rest.chunks(usize::from((mode >> 1) & 0x1F) + 1) {
            server.feed(piece, &mut out, &mut events);
            decide(&mut server, &mut out, &mut events, accept);
        }
    }
    let limit = server
        .negotiated()
        .map_or(0, |n| usize::from(n.max_serv_outstanding_calling));
    assert!(server.outstanding() <= limit);
    let mut outstanding = HashSet::new();
    for event in &events {
        if let server::Event::Request { invoke_id, .. } = event {
            assert!(
                outstanding.insert(*invoke_id),
                "invoke ID outstanding twice"
            );
        }
    }
    match server.phase() {
        server::Phase::Closed => assert_eq!(server.outstanding(), 0),
        server::Phase::Associated => {
            assert_eq!(server.outstanding(), outstanding.len());
            for id in outstanding {
                server
                    .error(id, 7, 2, &mut out)
                    .expect("outstanding request answered");
            }
            assert_eq!(server.outstanding(), 0);
        }
        _ => assert_eq!(server.outstanding(), 0),
    }
}

/// A client associated with an in-memory responder, as the protocol's unit tests set up.
fn associated() -> (ClientProtocol, IsoServer) {
    let mut client = ClientProtocol::new(IsoParams::default(), InitiateParams::client_default());
    let mut server = IsoServer::new(IsoParams::default());
    let mut framer = Framer::new(tpkt::MAX_FRAME);
    let (mut to_server, mut to_client, mut events) = (Vec::new(), Vec::new(), Vec::new());
    client.start(&mut to_server);
    while client.phase() != Phase::Associated {
        framer.push(&std::mem::take(&mut to_server));
        while let Some(frame) = framer.next_frame().unwrap() {
            let frame = frame.to_vec();
            match server.handle_frame(&frame).unwrap() {
                Some(IsoEvent::TransportConnectRequest) => server.accept_transport(&mut to_client),
                Some(IsoEvent::AssociateRequest { .. }) => {
                    let mut response = Vec::new();
                    initiate::encode_initiate_response(
                        &InitiateParams::client_default(),
                        &mut response,
                    );
                    server.accept_association(&response, &mut to_client);
                }
                other => panic!("unexpected {other:?} while associating"),
            }
        }
        client.feed(&std::mem::take(&mut to_client), &mut to_server, &mut events);
    }
    (client, server)
}

/// Structure-aware: the input drives a generator of `MmsValue` trees; every value that
/// encodes decodes back to itself, and re-encodes to the same bytes.
pub fn value_roundtrip(data: &[u8]) {
    let mut input = Bytes(data);
    let value = gen_value(&mut input, 6);
    let mut encoded = Vec::new();
    if data::encode_data(&value, &mut encoded).is_err() {
        return;
    }
    let (decoded, used) = data::decode_data(&encoded, MAX_NESTING).expect("encoding decodes");
    assert_eq!(used, encoded.len());
    if !has_nan(&value) {
        assert_eq!(decoded, value, "decode(encode(v)) != v");
    }
    assert_same_encoding(&encoded);
    assert_placed_whole(&value, &encoded);
}

/// A copy made by `MmsValue_cloneToBuffer` fills exactly `MmsValue_getSizeInMemory` bytes
/// and encodes as its original.
fn assert_placed_whole(value: &MmsValue, encoded: &[u8]) {
    let p: *const MmsValue = value;
    // SAFETY: a live value; the buffer is 8-aligned, of the measured size, and outlives the
    // copy (which owns nothing outside it, so it needs no drop).
    unsafe {
        let size = usize::try_from(MmsValue_getSizeInMemory(p)).expect("size fits an int");
        let mut buffer = vec![0u64; size / 8];
        let start = buffer.as_mut_ptr().cast::<u8>();
        assert_eq!(MmsValue_cloneToBuffer(p, start), start.add(size));
        let mut again = Vec::new();
        data::encode_data(&*start.cast::<MmsValue>(), &mut again).expect("copy encodes");
        assert_eq!(again, encoded, "copy in a buffer differs");
    }
}

/// The C data API (`mms_value.h`) driven by the input: values made, nested, cloned (also into
/// buffers), read, changed, compared, printed, encoded, decoded and deleted through the
/// exported functions, each handle used as the API allows (owned roots are tracked, elements
/// are fetched afresh), so an invalid access or a leak the sanitizers see is the library's.
/// Clones in buffers take only changes that fit them, so they never own heap memory.
pub fn mms_value_api(data: &[u8]) {
    let mut input = Bytes(data);
    let mut owned: Vec<*mut MmsValue> = Vec::new();
    let mut placed: Vec<(Vec<u64>, *mut MmsValue)> = Vec::new();
    // SAFETY: every handle passed is NULL, an owned root, a clone in a live buffer, or an
    // element just fetched from one of them; ownership moves only as the API documents.
    unsafe {
        for _ in 0..48 {
            if input.0.is_empty() {
                break;
            }
            let op = input.byte();
            let any = pick(
                &mut input,
                owned.iter().chain(placed.iter().map(|(_, p)| p)),
            );
            match op % 12 {
                0 => owned.push(MmsValue_clone(&gen_value(&mut input, 3))),
                1 => {
                    if !owned.is_empty() {
                        let i = usize::from(input.byte()) % owned.len();
                        MmsValue_delete(owned.swap_remove(i));
                    }
                }
                2 => {
                    let copy = MmsValue_clone(any);
                    if !copy.is_null() {
                        owned.push(copy);
                    }
                }
                3 => {
                    if let Ok(size) = usize::try_from(MmsValue_getSizeInMemory(any)) {
                        let mut buffer = vec![0u64; size / 8];
                        let start = buffer.as_mut_ptr().cast::<u8>();
                        if !any.is_null() {
                            assert_eq!(MmsValue_cloneToBuffer(any, start), start.add(size));
                            placed.push((buffer, start.cast()));
                        }
                    }
                }
                4 => {
                    // An owned root becomes an element of another root's tree.
                    if owned.len() >= 2 {
                        let element = owned.swap_remove(usize::from(input.byte()) % owned.len());
                        let parent = pick(&mut input, owned.iter());
                        let index = c_int::from(input.byte() % 5) - 1;
                        let old = MmsValue_getElement(parent, index);
                        MmsValue_setElement(parent, index, element);
                        if !old.is_null() && old != element {
                            owned.push(old); // the replaced element is the caller's again
                        }
                    }
                }
                5 => change_in_place(&mut input, any),
                6 => {
                    let target = pick(&mut input, owned.iter());
                    match input.byte() % 4 {
                        0 => MmsValue_setVisibleString(target, c_string(input.text()).as_ptr()),
                        1 => MmsValue_setMmsString(target, c_string(input.text()).as_ptr()),
                        2 => {
                            let len = usize::from(input.byte() % 40);
                            let octets = input.take(len);
                            MmsValue_setOctetString(target, octets.as_ptr(), octets.len() as c_int);
                        }
                        _ => {
                            let source = pick(
                                &mut input,
                                owned.iter().chain(placed.iter().map(|(_, p)| p)),
                            );
                            MmsValue_update(target, source);
                        }
                    }
                }
                7 => read_all(any),
                8 => {
                    let other = pick(
                        &mut input,
                        owned.iter().chain(placed.iter().map(|(_, p)| p)),
                    );
                    assert!(!MmsValue_equals(any, other) || MmsValue_equalTypes(any, other));
                }
                9 => {
                    let mut text = [0 as c_char; 64];
                    let size = c_int::from(input.byte() % 65);
                    MmsValue_printToBuffer(any, text.as_mut_ptr(), size);
                }
                10 => {
                    let size = MmsValue_encodeMmsData(any, std::ptr::null_mut(), 0, false);
                    let mut buffer = vec![0u8; usize::try_from(size).unwrap_or(0)];
                    let end = MmsValue_encodeMmsData(any, buffer.as_mut_ptr(), 0, true);
                    assert!(end == size || size == 0);
                    let mut used = 0;
                    let back = MmsValue_decodeMmsData(buffer.as_mut_ptr(), 0, size, &mut used);
                    if !back.is_null() {
                        assert_eq!(used, size);
                        owned.push(back);
                    }
                }
                _ => {
                    if let Some(&root) = owned.last() {
                        if input.byte() & 1 == 1 {
                            MmsValue_setDeletable(root);
                        }
                        if MmsValue_isDeletable(root) != 0 {
                            MmsValue_deleteConditional(root);
                            owned.pop();
                        }
                    }
                }
            }
        }
        owned.into_iter().for_each(|v| MmsValue_delete(v));
    }
}

/// NULL, or one of `roots` or an element below it, as the input chooses.
///
/// # Safety
/// Each of `roots` is a live value.
unsafe fn pick<'a>(
    input: &mut Bytes<'_>,
    roots: impl Iterator<Item = &'a *mut MmsValue>,
) -> *mut MmsValue {
    let roots: Vec<_> = roots.collect();
    let choice = usize::from(input.byte());
    let Some(&&root) = roots.get(choice % (roots.len() + 1)) else {
        return std::ptr::null_mut();
    };
    let mut value = root;
    while !value.is_null() && input.byte().is_multiple_of(3) {
        // SAFETY: a live value (per this function's contract, then as just fetched).
        value = unsafe { MmsValue_getElement(value, c_int::from(input.byte() % 4)) };
    }
    value
}

/// A change that never grows a value (so it fits a clone in a buffer).
///
/// # Safety
/// `v` is NULL or a live value.
unsafe fn change_in_place(input: &mut Bytes<'_>, v: *mut MmsValue) {
    let n = input.u64();
    // SAFETY: per this function's contract.
    unsafe {
        match input.byte() % 9 {
            0 => MmsValue_setInt32(v, n as i32),
            1 => MmsValue_setUint32(v, n as u32),
            2 => MmsValue_setBoolean(v, n & 1 == 1),
            3 => MmsValue_setFloat(v, f32::from_bits(n as u32)),
            4 => MmsValue_setDouble(v, f64::from_bits(n)),
            5 => MmsValue_setBitStringBit(v, (n % 80) as c_int - 8, n & 1 == 1),
            6 => MmsValue_setOctetStringOctet(v, (n % 80) as c_int - 8, n as u8),
            7 => {
                MmsValue_setUtcTimeMs(v, n >> 20);
            }
            _ => MmsValue_setBinaryTime(v, n >> 20),
        }
    }
}

/// Every getter of `v`; strings and buffers are read to their end.
///
/// # Safety
/// `v` is NULL or a live value.
unsafe fn read_all(v: *mut MmsValue) {
    // SAFETY: per this function's contract; returned strings are C strings of the value.
    unsafe {
        MmsValue_getType(v);
        MmsValue_toInt64(v);
        MmsValue_toUint32(v);
        MmsValue_toDouble(v);
        MmsValue_getBoolean(v);
        MmsValue_getBitStringAsInteger(v);
        MmsValue_getArraySize(v);
        MmsValue_getUtcTimeInMs(v);
        MmsValue_getBinaryTimeAsUtcMs(v);
        MmsValue_getSizeInMemory(v);
        let size = usize::from(MmsValue_getOctetStringSize(v));
        let octets = MmsValue_getOctetStringBuffer(v);
        if !octets.is_null() {
            let max = usize::from(MmsValue_getOctetStringMaxSize(v)).max(size);
            std::hint::black_box(std::slice::from_raw_parts(octets, max));
        }
        for text in [MmsValue_toString(v), MmsValue_getTypeString(v)] {
            if !text.is_null() {
                std::hint::black_box(std::ffi::CStr::from_ptr(text));
            }
        }
    }
}

/// `encoded` decodes to a value whose encoding is `encoded` again.
fn assert_same_encoding(encoded: &[u8]) {
    let (value, used) = data::decode_data(encoded, MAX_NESTING).expect("encoding decodes");
    assert_eq!(used, encoded.len());
    let mut again = Vec::new();
    data::encode_data(&value, &mut again).expect("decoded value encodes");
    assert_eq!(again, encoded, "encoding not stable");
}

/// NaN is the one value not equal to itself.
fn has_nan(value: &MmsValue) -> bool {
    match value {
        MmsValue::Float(f) => f.is_nan(),
        MmsValue::Double(d) => d.is_nan(),
        MmsValue::Array(e) | MmsValue::Structure(e) => {
            e.iter().flatten().any(|child| has_nan(child))
        }
        _ => false,
    }
}

/// The generator's input; reads past the end yield zeros, so every input is a value.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head.to_vec()
    }

    fn u64(&mut self) -> u64 {
        let mut v = [0u8; 8];
        for b in &mut v {
            *b = self.byte();
        }
        u64::from_le_bytes(v)
    }

    /// A short byte string without NUL (C-visible strings).
    fn text(&mut self) -> Vec<u8> {
        let len = usize::from(self.byte() % 24);
        self.take(len).into_iter().filter(|&b| b != 0).collect()
    }
}

fn gen_value(input: &mut Bytes<'_>, depth: usize) -> MmsValue {
    let kind = input.byte() % if depth == 0 { 15 } else { 17 };
    match kind {
        0 => MmsValue::Boolean(input.byte() & 1 == 1),
        1 => {
            let size = u32::from(input.byte() % 40);
            let mut bits = BitString::new(size);
            for pos in 0..size {
                bits.set(pos, input.byte() & 1 == 1);
            }
            MmsValue::BitString(bits)
        }
        2 => MmsValue::Integer(input.u64() as i64 >> (input.byte() % 64)),
        3 => MmsValue::Unsigned(input.u64() >> (input.byte() % 64)),
        4 => MmsValue::Float(f32::from_bits(input.u64() as u32)),
        5 => MmsValue::Double(f64::from_bits(input.u64())),
        6 => {
            let len = usize::from(input.byte() % 32);
            let data = input.take(len);
            MmsValue::OctetString(OctetString {
                max_size: data.len(),
                data: data.into(),
            })
        }
        7 => MmsValue::visible_string(&input.text()),
        8 => MmsValue::GeneralizedTime(c_string(input.text()).into()),
        9 => {
            let len = if input.byte() & 1 == 0 { 4 } else { 6 };
            let mut t = input.take(len);
            t.resize(len, 0);
            MmsValue::BinaryTime(t.into())
        }
        10 => MmsValue::Bcd((input.u64() >> (input.byte() % 64)) as i64),
        11 => {
            let arcs = (0..input.byte() % 8)
                .map(|_| u32::from(input.byte()) << (input.byte() % 24))
                .collect();
            MmsValue::ObjId(arcs)
        }
        12 => MmsValue::MmsString(c_string(input.text()).into()),
        13 => {
            let mut t = [0u8; 8];
            for b in &mut t {
                *b = input.byte();
            }
            MmsValue::UtcTime(t)
        }
        14 => MmsValue::Integer(i64::from(input.byte() as i8)),
        _ => {
            let count = usize::from(input.byte() % 6);
            let children = (0..count).map(|_| gen_value(input, depth - 1)).collect();
            if kind == 15 {
                MmsValue::structure(children)
            } else {
                MmsValue::array(children)
            }
        }
    }
}

fn c_string(text: Vec<u8>) -> std::ffi::CString {
    std::ffi::CString::new(text).expect("NUL octets were filtered out")
}

/// The config-file parser on any text; what parses is also loaded through the C API
/// (`ConfigFileParser_createModelFromConfigFileEx`), walked and destroyed, so that the
/// sanitizers see every allocation of a parsed model freed. The loader builds nothing from
/// text the parser refuses (it may refuse more: a block the model cannot hold where the
/// parser does not track it).
pub fn config_file(data: &[u8]) {
    use iec61850::ffi::iec61850_config_file_parser::ConfigFileParser_createModelFromConfigFileEx;
    use iec61850::ffi::iec61850_dynamic_model::IedModel_destroy;
    use iec61850::ffi::iec61850_model::{IedModel_getLogicalDeviceCount, ModelNode_getChildCount};
    use std::io::Write;
    thread_local! {
        static PATH: std::path::PathBuf = std::env::temp_dir()
            .join(format!("rs61850-fuzz-{}-{:?}.cfg", std::process::id(), std::thread::current().id()));
    }
    let parsed = config_file::parse(data).is_ok();
    PATH.with(|path| {
        let written = std::fs::File::create(path).and_then(|mut f| f.write_all(data));
        if written.is_err() {
            return;
        }
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a C string path; the model is ours and destroyed once.
        unsafe {
            let model = ConfigFileParser_createModelFromConfigFileEx(c_path.as_ptr());
            assert!(
                model.is_null() || parsed,
                "a model from text the parser refuses"
            );
            if !model.is_null() {
                let devices = IedModel_getLogicalDeviceCount(model);
                assert!(devices >= 0);
                let first = (*model).firstChild;
                if !first.is_null() {
                    assert!(ModelNode_getChildCount(first.cast()) >= 0);
                }
                IedModel_destroy(model);
            }
        }
    });
}
