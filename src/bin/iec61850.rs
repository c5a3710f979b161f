//! `iec61850`: a command-line explorer for IEC 61850 servers, built on the rs61850 client.

use std::io::Write;
use std::process::ExitCode;

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use iec61850::client::Connection;
use iec61850::iec61850::control::{self, ControlReport};
use iec61850::iec61850::{dataset, directory, report};
use iec61850::iec61850::{fc_from_name, object_reference_to_variable, ClientError};
use iec61850::mms::access::VariableRef;
use iec61850::mms::named_variable_list;
use iec61850::mms::object_name::ObjectName;
use iec61850::mms::pdu::ConfirmedServiceResponse;
use iec61850::mms::variable_access_attributes::encode_get_variable_access_attributes_request;
use iec61850::mms::MmsValue;

const USAGE: &str = "\
usage: iec61850 [--host HOST] [--port PORT] COMMAND [ARGS]

commands:
  browse [DEVICE]             list logical devices and nodes; with DEVICE its data attributes
  read REFERENCE FC           read a data attribute, e.g. read DEMOProt/GGIO1.Ind1.stVal ST
  write REFERENCE FC VALUE    write a data attribute; VALUE is parsed as the type the server holds
  control REFERENCE VALUE [--sbo] [--test] [--origin CAT:IDENT]
                              operate a controllable data object (e.g. DEMOProt/GGIO1.SPCSO1 true)
                              with the server's control model; --sbo selects first whatever the
                              model; prints the LastApplError of a refusal and the CommandTermination
  watch RCB-REFERENCE [--seconds N]
                              enable a report control block (e.g. DEMOProt/LLN0.RP.EventsRCB01),
                              ask for a general interrogation and print reports as they arrive
                              (for N seconds, default: until interrupted)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("iec61850: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut host = "127.0.0.1".to_owned();
    let mut port = 102u16;
    let mut rest = args;
    loop {
        match rest {
            [flag, value, tail @ ..] if flag == "--host" => {
                host = value.clone();
                rest = tail;
            }
            [flag, value, tail @ ..] if flag == "--port" => {
                port = value.parse().map_err(|_| format!("bad port '{value}'"))?;
                rest = tail;
            }
            _ => break,
        }
    }
    let (command, operands) = rest.split_first().ok_or(USAGE)?;
    let conn = Connection::new(true);
    conn.connect(&host, port)
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let result = match (command.as_str(), operands) {
        ("browse", []) => browse(&conn, None),
        ("browse", [device]) => browse(&conn, Some(device)),
        ("read", [reference, fc]) => parse_fc(fc)
            .and_then(|fc| read(&conn, reference, fc))
            .map(|v| println!("{}", String::from_utf8_lossy(&v.to_text()))),
        ("write", [reference, fc, value]) => {
            parse_fc(fc).and_then(|fc| write(&conn, reference, fc, value))
        }
        ("watch", [rcb]) => watch(&conn, rcb, None),
        ("watch", [rcb, flag, seconds]) if flag == "--seconds" => seconds
            .parse()
            .map_err(|_| format!("bad number of seconds '{seconds}'"))
            .and_then(|s| watch(&conn, rcb, Some(Duration::from_secs(s)))),
        ("control", [reference, value, flags @ ..]) => {
            control_options(flags).and_then(|options| control(&conn, reference, value, &options))
        }
        _ => Err(USAGE.to_owned()),
    };
    // Release politely; a failure to do so does not change what the command achieved.
    let _ = conn.release();
    result
}

/// Enables the report control block `rcb` (`LD/LN.RP.name` or `LD/LN.BR.name`), triggers a
/// general interrogation and prints every report of it until `duration` has passed.
fn watch(conn: &Connection, rcb: &str, duration: Option<Duration>) -> Result<(), String> {
    let (ld, rest) = rcb.split_once('/').ok_or("the RCB reference has no '/'")?;
    let item = rest.replace('.', "$");
    let attribute = |name: &str| VariableRef {
        domain_id: Some(ld.to_owned()),
        item_id: format!("{item}${name}"),
        ..Default::default()
    };
    let rpt_id = match conn
        .read(&attribute("RptID"))
        .map_err(|e| format!("{rcb}: {e}"))?
    {
        MmsValue::VisibleString(id) => id.to_string_lossy().into_owned(),
        other => return Err(format!("{rcb}: no report control block ({other:?})")),
    };
    let members = data_set_members(conn, &attribute("DatSet")).unwrap_or_default();
    let rcb_reference = rcb.to_owned();
    let listener = conn.add_report_listener(Arc::new(move |information| {
        let Ok(r) = report::decode_report(information) else {
            return;
        };
        // Reports of an empty RptID carry the RCB reference instead.
        let wanted = (!rpt_id.is_empty()).then_some(rpt_id.as_str());
        if !report::handler_matches(&rcb_reference, wanted, &r.rpt_id) {
            return;
        }
        let mut line = format!("report {}", r.rpt_id);
        if let Some(seq) = r.seq_num {
            line += &format!(" seq {seq}");
        }
        for entry in &r.entries {
            let name = entry
                .reference
                .clone()
                .or_else(|| members.get(entry.index).cloned())
                .unwrap_or_else(|| format!("#{}", entry.index));
            let value = String::from_utf8_lossy(&entry.value.to_text()).into_owned();
            line += &format!(
                "\n  {name} = {value} ({})",
                report::reason_text(entry.reason)
            );
        }
        println!("{line}");
    }));
    let enable = |on: bool| {
        conn.write(&attribute("RptEna"), &MmsValue::Boolean(on))
            .map_err(|e| format!("{rcb}: cannot set RptEna: {e}"))
    };
    let result = enable(true).map(|()| {
        println!("watching {rcb}");
        // Not every RCB allows GI; the reports of later changes still arrive.
        let _ = conn.write(&attribute("GI"), &MmsValue::Boolean(true));
        match duration {
            Some(d) => std::thread::sleep(d),
            None => loop {
                std::thread::park();
            },
        }
    });
    conn.remove_report_listener(listener);
    let _ = enable(false);
    result
}

/// The member references of the data set an RCB's `DatSet` attribute names.
fn data_set_members(conn: &Connection, dat_set: &VariableRef) -> Option<Vec<String>> {
    let MmsValue::VisibleString(name) = conn.read(dat_set).ok()? else {
        return None;
    };
    let list = dataset::data_set_name(&name.to_string_lossy());
    conn.service(
        |id, buf| {
            named_variable_list::encode_get_named_variable_list_attributes_request(id, &list, buf);
            Ok(())
        },
        dataset::parse_directory,
    )
    .ok()
    .map(|(members, _)| members)
}

/// Without a device: the logical devices and their logical nodes. With one: the data
/// attributes of that device as ACSI references with their functional constraint.
fn browse(conn: &Connection, device: Option<&str>) -> Result<(), String> {
    let lines: Vec<String> = match device {
        Some(ld) => {
            let names = conn
                .variable_names(ld)
                .map_err(|e| format!("cannot list variables of {ld}: {e}"))?;
            listing(ld, attributes(ld, &names))
        }
        // One fetch of the whole model, as the reference's getDeviceModelFromServer.
        None => conn
            .load_model()
            .map_err(|e| format!("cannot list logical devices: {e}"))?
            .iter()
            .flat_map(|(ld, names)| listing(ld, directory::logical_nodes(names)))
            .collect(),
    };
    // A closed stdout (e.g. piped into `head`) ends the listing quietly.
    let mut out = std::io::stdout().lock();
    let _ = lines.iter().try_for_each(|line| writeln!(out, "{line}"));
    Ok(())
}

/// A device's line, then its entries indented.
fn listing(ld: &str, entries: Vec<String>) -> Vec<String> {
    std::iter::once(ld.to_owned())
        .chain(entries.into_iter().map(|e| format!("  {e}")))
        .collect()
}

/// Leaf MMS variables (`LN$FC$DO$DA`) as `LD/LN.DO.DA [FC]`.
fn attributes(ld: &str, names: &[String]) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            // The server lists names in order, so children directly follow their parent.
            names
                .get(i + 1)
                .is_none_or(|next| !next.starts_with(&format!("{name}$")))
        })
        .filter_map(|(_, name)| {
            let mut parts = name.split('$');
            let ln = parts.next()?;
            let fc = parts.next()?;
            let rest: Vec<&str> = parts.collect();
            (!rest.is_empty()).then(|| format!("{ld}/{ln}.{} [{fc}]", rest.join(".")))
        })
        .collect()
}

fn parse_fc(fc: &str) -> Result<i32, String> {
    fc_from_name(fc).ok_or_else(|| format!("unknown functional constraint '{fc}'"))
}

fn read(conn: &Connection, reference: &str, fc: i32) -> Result<MmsValue, String> {
    let var =
        object_reference_to_variable(reference, fc).map_err(|e| format!("{reference}: {e}"))?;
    match conn
        .read(&var)
        .map_err(|e| format!("read {reference}: {e}"))?
    {
        MmsValue::DataAccessError(code) => {
            Err(format!("read {reference}: data access error {code}"))
        }
        value => Ok(value),
    }
}

fn write(conn: &Connection, reference: &str, fc: i32, text: &str) -> Result<(), String> {
    let current = read(conn, reference, fc)?;
    let value = parse_like(&current, text).ok_or_else(|| {
        format!(
            "cannot write '{text}' to a {:?} attribute",
            current.mms_type()
        )
    })?;
    let var = object_reference_to_variable(reference, fc).map_err(|e| e.to_string())?;
    conn.write(&var, &value)
        .map_err(|e| format!("write {reference}: {e}"))?;
    let written = read(conn, reference, fc)?;
    println!("{}", String::from_utf8_lossy(&written.to_text()));
    Ok(())
}

/// Parses `text` as a value of the same type as `like`.
fn parse_like(like: &MmsValue, text: &str) -> Option<MmsValue> {
    Some(match like {
        MmsValue::Boolean(_) => MmsValue::Boolean(match text {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return None,
        }),
        MmsValue::Integer(_) => MmsValue::Integer(text.parse().ok()?),
        MmsValue::Unsigned(_) => MmsValue::Unsigned(text.parse().ok()?),
        MmsValue::Float(_) => MmsValue::Float(text.parse().ok()?),
        MmsValue::Double(_) => MmsValue::Double(text.parse().ok()?),
        MmsValue::VisibleString(_) => MmsValue::visible_string(text.as_bytes()),
        MmsValue::MmsString(_) => {
            MmsValue::MmsString(iec61850::mms::value::c_string_lossy(text.as_bytes()).into())
        }
        _ => return None,
    })
}

/// Options of the `control` command.
#[derive(Default)]
struct ControlOptions {
    sbo: bool,
    test: bool,
    or_cat: i32,
    or_ident: Vec<u8>,
}

fn control_options(flags: &[String]) -> Result<ControlOptions, String> {
    let mut options = ControlOptions::default();
    let mut rest = flags;
    loop {
        match rest {
            [] => return Ok(options),
            [flag, tail @ ..] if flag == "--sbo" => {
                options.sbo = true;
                rest = tail;
            }
            [flag, tail @ ..] if flag == "--test" => {
                options.test = true;
                rest = tail;
            }
            [flag, origin, tail @ ..] if flag == "--origin" => {
                let (cat, ident) = origin
                    .split_once(':')
                    .ok_or_else(|| format!("bad origin '{origin}' (CAT:IDENT)"))?;
                options.or_cat = cat.parse().map_err(|_| format!("bad orCat '{cat}'"))?;
                options.or_ident = ident.as_bytes().to_vec();
                rest = tail;
            }
            _ => return Err(USAGE.to_owned()),
        }
    }
}

/// How long `control` waits for a refusal's LastApplError and for a CommandTermination.
const REPORT_WAIT: Duration = Duration::from_millis(300);
const TERMINATION_WAIT: Duration = Duration::from_secs(10);

/// Operates a control object: select (SBO read, or SBOw with the value) when the server's
/// control model or `--sbo` asks for it, then Oper; waits for the CommandTermination of the
/// enhanced-security models.
fn control(
    conn: &Connection,
    reference: &str,
    text: &str,
    options: &ControlOptions,
) -> Result<(), String> {
    let (model_var, co_name) = control::discovery_names(reference)
        .ok_or_else(|| format!("{reference}: not a data object reference"))?;
    let model = match read_variable(conn, reference, &model_var)? {
        MmsValue::Integer(i) => i,
        MmsValue::Unsigned(u) => i64::try_from(u).unwrap_or(i64::MAX),
        other => return Err(format!("{reference}: ctlModel is a {:?}", other.mms_type())),
    };
    let co = conn
        .service(
            |id, buf| {
                encode_get_variable_access_attributes_request(id, &co_name, buf);
                Ok(())
            },
            |response| match response {
                ConfirmedServiceResponse::GetVariableAccessAttributes(a) => Ok(a.type_spec),
                _ => Err(ClientError::MalformedMessage),
            },
        )
        .map_err(|e| format!("{reference}: no control structures: {e}"))?;
    let oper = co
        .component("Oper")
        .map(|(_, spec)| spec)
        .filter(|_| model != i64::from(control::model::STATUS_ONLY))
        .ok_or_else(|| format!("{reference}: not controllable (ctlModel {model})"))?;
    let ctl_val = oper
        .component("ctlVal")
        .and_then(|(_, spec)| control::parse_ctl_val(spec, text))
        .ok_or_else(|| format!("{reference}: '{text}' is not a ctlVal of this object"))?;
    let ObjectName::Domain(domain, co_item) = co_name else {
        return Err(format!("{reference}: not a data object reference"));
    };
    let variable = |component: &str| VariableRef {
        domain_id: Some(domain.clone()),
        item_id: format!("{co_item}${component}"),
        ..VariableRef::default()
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let params = control::ControlParams {
        or_cat: options.or_cat,
        or_ident: options.or_ident.clone(),
        ctl_num: 1,
        t: control::utc_time(now_ms, 0),
        test: options.test,
        ..control::ControlParams::default()
    };
    let request = control::build_request(oper, &ctl_val, &params)
        .ok_or_else(|| format!("{reference}: cannot build Oper"))?;
    let (sender, reports) = mpsc::channel();
    let sender = Mutex::new(sender);
    let listener = conn.add_report_listener(Arc::new(move |report| {
        if let (Some(r), Ok(sender)) = (control::classify_report(report), sender.lock()) {
            // The receiver is gone only after the command ended.
            let _ = sender.send(r);
        }
    }));
    let refused = |what: &str, e: ClientError| {
        let cause = match reports.recv_timeout(REPORT_WAIT) {
            Ok(ControlReport::LastApplError(_, a)) => format!(
                " (LastApplError: error {}, addCause {}, ctlNum {})",
                a.error, a.add_cause, a.ctl_num
            ),
            _ => String::new(),
        };
        format!("{what} {reference}: {e}{cause}")
    };
    let result = (|| {
        if options.sbo || control::is_sbo(model as i32) {
            if co.component("SBOw").is_some() {
                conn.write(&variable("SBOw"), &request)
                    .map_err(|e| refused("select", e))?;
            } else {
                match conn.read(&variable("SBO")) {
                    Ok(MmsValue::VisibleString(s)) if !s.to_bytes().is_empty() => {}
                    Ok(MmsValue::DataAccessError(code)) => {
                        return Err(format!("select {reference}: data access error {code}"))
                    }
                    Ok(_) => return Err(format!("select {reference}: refused")),
                    Err(e) => return Err(refused("select", e)),
                }
            }
            println!("selected");
        }
        conn.write(&variable("Oper"), &request)
            .map_err(|e| refused("operate", e))?;
        println!("operated");
        if model == i64::from(control::model::DIRECT_ENHANCED)
            || model == i64::from(control::model::SBO_ENHANCED)
        {
            match reports.recv_timeout(TERMINATION_WAIT) {
                Ok(ControlReport::CommandTermination(_, None)) => println!("CommandTermination+"),
                Ok(ControlReport::CommandTermination(_, Some(a))) => {
                    return Err(format!(
                        "CommandTermination- (error {}, addCause {}, ctlNum {})",
                        a.error, a.add_cause, a.ctl_num
                    ))
                }
                _ => return Err(format!("{reference}: no CommandTermination")),
            }
        }
        Ok(())
    })();
    conn.remove_report_listener(listener);
    result
}

/// Reads one MMS variable of `reference`'s object.
fn read_variable(
    conn: &Connection,
    reference: &str,
    var: &VariableRef,
) -> Result<MmsValue, String> {
    match conn
        .read(var)
        .map_err(|e| format!("read {reference}: {e}"))?
    {
        MmsValue::DataAccessError(code) => Err(format!(
            "{reference}: not a control object (data access error {code})"
        )),
        value => Ok(value),
    }
}
