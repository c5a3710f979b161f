//! `iec61850`: a command-line explorer for IEC 61850 servers, built on the rs61850 client.

use std::io::Write;
use std::process::ExitCode;

use iec61850::client::Connection;
use iec61850::iec61850::{fc_from_name, object_reference_to_variable};
use iec61850::mms::MmsValue;

const USAGE: &str = "\
usage: iec61850 [--host HOST] [--port PORT] COMMAND [ARGS]

commands:
  browse [DEVICE]             list logical devices and nodes; with DEVICE its data attributes
  read REFERENCE FC           read a data attribute, e.g. read DEMOProt/GGIO1.Ind1.stVal ST
  write REFERENCE FC VALUE    write a data attribute; VALUE is parsed as the type the server holds
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
        _ => Err(USAGE.to_owned()),
    };
    // Release politely; a failure to do so does not change what the command achieved.
    let _ = conn.release();
    result
}

/// Without a device: the logical devices and their logical nodes. With one: the data
/// attributes of that device as ACSI references with their functional constraint.
fn browse(conn: &Connection, device: Option<&str>) -> Result<(), String> {
    let devices = match device {
        Some(d) => vec![d.to_owned()],
        None => conn
            .domain_names()
            .map_err(|e| format!("cannot list logical devices: {e}"))?,
    };
    let mut out = std::io::stdout().lock();
    for ld in devices {
        let names = conn
            .variable_names(&ld)
            .map_err(|e| format!("cannot list variables of {ld}: {e}"))?;
        let mut lines = vec![ld.clone()];
        lines.extend(
            if device.is_some() {
                attributes(&ld, &names)
            } else {
                names.iter().filter(|n| !n.contains('$')).cloned().collect()
            }
            .into_iter()
            .map(|line| format!("  {line}")),
        );
        // A closed stdout (e.g. piped into `head`) ends the listing quietly.
        if lines
            .iter()
            .try_for_each(|line| writeln!(out, "{line}"))
            .is_err()
        {
            return Ok(());
        }
    }
    Ok(())
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
            MmsValue::MmsString(iec61850::mms::value::c_string_lossy(text.as_bytes()))
        }
        _ => return None,
    })
}
