//! Query parameters as the front ends take them: `--param NAME=VALUE` (`kg query`, `kg run`) and
//! the shell's `:param NAME VALUE`, VALUE a Cypher literal as with cypher-shell's `:param`.
//! One parser for both, so a value means the same everywhere.

use crate::error::{Error, Result};
use crate::graph::Value;
use crate::query::{self, Params};

/// Checks a parameter name: letters, digits and `_`, not starting with a digit.
///
/// # Errors
/// [`Error::Usage`] for a bad name.
pub fn check_param_name(name: &str) -> Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!("invalid parameter name '{name}': use letters, digits and _")))
    }
}

/// Parses a parameter given as a name (a leading `$` is dropped) and a Cypher literal.
///
/// # Errors
/// [`Error::Usage`] for a bad name or value.
pub fn parse_param(name: &str, value: &str) -> Result<(String, Value)> {
    let name = name.trim().trim_start_matches('$');
    check_param_name(name)?;
    let value = query::parse_literal(value.trim()).map_err(|e| {
        Error::Usage(format!("invalid value for ${name}: {} (strings need quotes: '{}')", e.message, value.trim()))
    })?;
    Ok((name.to_string(), value))
}

/// Parses `name=VALUE` (VALUE a Cypher literal) as given to `--param`.
///
/// # Errors
/// [`Error::Usage`] (exit code 2) with a one-line message.
pub fn parse_param_arg(arg: &str) -> Result<(String, Value)> {
    let Some((name, value)) = arg.split_once('=') else {
        return Err(Error::Usage(format!("invalid --param '{arg}': expected NAME=VALUE, e.g. --param name='JNIM'")));
    };
    let bare = name.trim().trim_start_matches('$');
    check_param_name(bare)
        .map_err(|_| Error::Usage(format!("invalid --param '{arg}': '{bare}' is not a parameter name")))?;
    parse_param(bare, value).map_err(|e| Error::Usage(format!("invalid --param '{arg}': {e}")))
}

/// Parses every `--param NAME=VALUE`.
///
/// # Errors
/// [`Error::Usage`] (exit 2) for the first malformed one.
pub fn parse_params(args: &[String]) -> Result<Params> {
    let mut params = Params::new();
    for arg in args {
        let (name, value) = parse_param_arg(arg)?;
        params.insert(name, value);
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_arguments_need_a_name_and_equals() {
        assert!(matches!(parse_param_arg("novalue"), Err(Error::Usage(m)) if m.contains("expected NAME=VALUE")));
        assert!(matches!(parse_param_arg("1x=2"), Err(Error::Usage(m)) if m.contains("not a parameter name")));
        assert!(matches!(parse_param_arg("who=JNIM"), Err(Error::Usage(m)) if m.contains("strings need quotes")));
        assert_eq!(parse_param_arg("$who='JNIM'").unwrap(), ("who".to_string(), Value::from("JNIM")));
        assert_eq!(parse_param("$n", " [1, 2]").unwrap().1, Value::List(vec![Value::Int(1), Value::Int(2)]));
    }

    /// `--param NAME=VALUE` (kg query, kg run, kg shell) and `:param NAME VALUE` (the shell)
    /// give the same value, or both refuse.
    #[test]
    fn command_line_and_shell_parameters_agree() {
        for value in [
            "'JNIM'",
            "'a=b'",
            "-3",
            "2.5e3",
            "[1, 'x', null]",
            "{n: 1, m: [true]}",
            "date('2024-03-05')",
            "JNIM",
            "[1,",
        ] {
            let arg = parse_param_arg(&format!("who={value}")).map_err(|e| e.to_string());
            let meta = parse_param("who", value).map_err(|e| e.to_string());
            match (&arg, &meta) {
                (Ok(a), Ok(m)) => assert_eq!(a, m, "{value}"),
                (Err(a), Err(m)) => assert!(a.ends_with(m.as_str()), "{value}: {a} / {m}"),
                _ => panic!("{value}: --param gives {arg:?}, :param gives {meta:?}"),
            }
        }
    }
}
