//! ACSI directory services derived from the MMS variable names of a logical device.
//!
//! IEC 61850-8-1 maps a logical device to an MMS domain whose variable names are
//! `LN`, `LN$FC`, `LN$FC$DO`, `LN$FC$DO$DA`, ... in the server's order. Every
//! directory answer is a pure function of that list (and of the data set and
//! journal lists), so these functions need no connection.

/// The variable names of each logical device in the server's order: what the directory
/// services of a connection answer from once fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceModel(Vec<(String, Vec<String>)>);

impl DeviceModel {
    /// A model of (logical device, its variable names) in the server's order.
    pub fn new(devices: Vec<(String, Vec<String>)>) -> Self {
        DeviceModel(devices)
    }

    /// Each logical device with its variable names.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0
            .iter()
            .map(|(d, names)| (d.as_str(), names.as_slice()))
    }

    /// The logical device names.
    pub fn devices(&self) -> Vec<String> {
        self.0.iter().map(|(d, _)| d.clone()).collect()
    }

    /// The variable names of logical device `ld`, `None` when the model has no such device.
    pub fn variables(&self, ld: &str) -> Option<&[String]> {
        self.iter().find(|(d, _)| *d == ld).map(|(_, names)| names)
    }
}

/// Functional constraints whose variables the reference does not list as data objects
/// (log, SV and setting group control blocks it does list).
const CONTROL_BLOCK_FCS: [&str; 3] = ["BR", "RP", "GO"];

/// The names below logical node `ln` (`LN$...`) as (FC, rest after the FC): the rest is
/// empty for `LN$FC` itself. Only prefix checks: no allocation per name.
fn below<'a>(names: &'a [String], ln: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    names.iter().filter_map(move |name| {
        let tail = name.strip_prefix(ln)?.strip_prefix('$')?;
        Some(tail.split_once('$').unwrap_or((tail, "")))
    })
}

/// Appends `item` unless it is already present (keeps first-seen order).
fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// Logical node names: the names without `$`.
pub fn logical_nodes(names: &[String]) -> Vec<String> {
    names.iter().filter(|n| !n.contains('$')).cloned().collect()
}

/// Data objects of logical node `ln`, each once, in order of first appearance.
pub fn data_objects(names: &[String], ln: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (fc, rest) in below(names, ln) {
        if !rest.is_empty() && !rest.contains('$') && !CONTROL_BLOCK_FCS.contains(&fc) {
            push_unique(&mut out, rest);
        }
    }
    out
}

/// Control blocks of logical node `ln` with functional constraint `fc` (e.g. `RP`, `BR`, `GO`).
pub fn control_blocks(names: &[String], ln: &str, fc: &str) -> Vec<String> {
    below(names, ln)
        .filter(|(f, rest)| *f == fc && !rest.is_empty() && !rest.contains('$'))
        .map(|(_, rest)| rest.to_owned())
        .collect()
}

/// The setting group control block: `SGCB` for any logical node of a device whose
/// LLN0 has one (`LLN0$SP$SGCB`), as the reference answers.
pub fn setting_group_control_blocks(names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| *n == "LLN0$SP$SGCB")
        .map(|_| "SGCB".to_owned())
        .collect()
}

/// Names below logical node `ln`, without the `LN$` prefix (also: its data sets and
/// journals from the lists of `LN$name` names).
pub fn logical_node_variables(names: &[String], ln: &str) -> Vec<String> {
    let prefix = format!("{ln}$");
    names
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

/// Children of the data object or attribute `path` (`DO`, `DO.sub`, ...) of `ln`, each once,
/// in order of first appearance; `with_fc` appends `[FC]`, `only_fc` keeps one FC.
pub fn data_directory(
    names: &[String],
    ln: &str,
    path: &[&str],
    with_fc: bool,
    only_fc: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (fc, rest) in below(names, ln) {
        if only_fc.is_some_and(|f| f != fc) {
            continue;
        }
        // `rest` must be the path, then exactly one more component.
        let mut parts = rest.split('$');
        if !path.iter().all(|p| parts.next() == Some(*p)) {
            continue;
        }
        let (Some(child), None) = (parts.next(), parts.next()) else {
            continue;
        };
        if with_fc {
            push_unique(&mut out, &format!("{child}[{fc}]"));
        } else {
            push_unique(&mut out, child);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A domain's names in the reference server's order (observed on demo.cfg).
    fn names() -> Vec<String> {
        [
            "GGIO1",
            "GGIO1$CF",
            "GGIO1$CF$SPCSO1",
            "GGIO1$CF$SPCSO1$ctlModel",
            "GGIO1$CO",
            "GGIO1$CO$SPCSO1",
            "GGIO1$CO$SPCSO1$Oper",
            "GGIO1$CO$SPCSO1$Oper$ctlVal",
            "GGIO1$ST",
            "GGIO1$ST$Ind1",
            "GGIO1$ST$Ind1$stVal",
            "GGIO1$ST$SPCSO1",
            "GGIO1$ST$SPCSO1$q",
            "GGIO1$ST$SPCSO1$stVal",
            "LLN0",
            "LLN0$BR",
            "LLN0$BR$brcb01",
            "LLN0$BR$brcb01$RptID",
            "LLN0$CF",
            "LLN0$CF$Mod",
            "LLN0$LG",
            "LLN0$LG$log01",
            "LLN0$RP",
            "LLN0$RP$urcb01",
            "LLN0$SP",
            "LLN0$SP$SGCB",
            "LLN0$ST",
            "LLN0$ST$Mod",
            "LLN0$ST$Beh",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn logical_nodes_and_data_objects() {
        let n = names();
        assert_eq!(logical_nodes(&n), ["GGIO1", "LLN0"]);
        assert_eq!(data_objects(&n, "GGIO1"), ["SPCSO1", "Ind1"]);
        // Report control blocks are not data objects; log and setting group ones are.
        assert_eq!(data_objects(&n, "LLN0"), ["Mod", "log01", "SGCB", "Beh"]);
        assert!(data_objects(&n, "NOPE").is_empty());
    }

    #[test]
    fn control_blocks_by_fc() {
        let n = names();
        assert_eq!(control_blocks(&n, "LLN0", "BR"), ["brcb01"]);
        assert_eq!(control_blocks(&n, "LLN0", "RP"), ["urcb01"]);
        assert!(control_blocks(&n, "GGIO1", "RP").is_empty());
        assert_eq!(control_blocks(&n, "LLN0", "LG"), ["log01"]);
        assert_eq!(setting_group_control_blocks(&n), ["SGCB"]);
        assert!(setting_group_control_blocks(&n[..5]).is_empty());
    }

    #[test]
    fn data_directory_variants() {
        let n = names();
        assert_eq!(
            data_directory(&n, "GGIO1", &["SPCSO1"], false, None),
            ["ctlModel", "Oper", "q", "stVal"]
        );
        assert_eq!(
            data_directory(&n, "GGIO1", &["SPCSO1"], true, None),
            ["ctlModel[CF]", "Oper[CO]", "q[ST]", "stVal[ST]"]
        );
        assert_eq!(
            data_directory(&n, "GGIO1", &["SPCSO1"], false, Some("CO")),
            ["Oper"]
        );
        assert_eq!(
            data_directory(&n, "GGIO1", &["SPCSO1", "Oper"], false, None),
            ["ctlVal"]
        );
        assert!(data_directory(&n, "GGIO1", &["Nope"], false, None).is_empty());
    }

    #[test]
    fn device_model_lookup() {
        let model = DeviceModel::new(vec![("LD1".into(), names()), ("LD2".into(), Vec::new())]);
        assert_eq!(model.devices(), ["LD1", "LD2"]);
        assert_eq!(
            model.variables("LD1").map(<[String]>::len),
            Some(names().len())
        );
        assert_eq!(model.variables("LD2"), Some(&[][..]));
        assert_eq!(model.variables("LD"), None);
    }

    #[test]
    fn variables_below_a_logical_node() {
        let n = names();
        assert_eq!(
            logical_node_variables(&n, "LLN0")[..3],
            ["BR", "BR$brcb01", "BR$brcb01$RptID"]
        );
        let sets = vec!["LLN0$Events".to_string(), "GGIO1$X".to_string()];
        assert_eq!(logical_node_variables(&sets, "LLN0"), ["Events"]);
    }
}
