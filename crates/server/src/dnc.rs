//! Do-not-call lists loaded from files (`centralita import dnc`, or
//! `kind=dnc` in the imports API): one number a line (E.164, `00…`, national
//! in the import's country, or the US registry's `area code,number`), a
//! header line and `#` comments skipped. A national list (the Spanish
//! Robinson list, the US registry) or a named list of the organisation's own
//! is replaced whole: the numbers are staged in parts through the tenant core
//! (each part a logged dialer step) and the new list takes effect when the
//! last part is in, the old one staying in force until then. A line that is
//! not a number is reported (`line,column,reason`) and skipped; a failed or
//! dry run publishes nothing.

use model::outbound::DoNotCallList;
use store::crm::{ImportView, Reject};
use store::{Store, Tenant};

use crate::tenant::{Op, TenantHandle};

/// Numbers per staged part (one logged step each).
pub const PART: usize = 100_000;

/// What a list import is asked to do.
#[derive(Debug, Clone)]
pub struct DncJob {
    /// The import's id (its row made by the caller).
    pub id: i64,
    /// The list.
    pub list: DoNotCallList,
    /// Calling code of numbers written in national form (none: such a line
    /// is rejected).
    pub calling_code: Option<u16>,
    /// Count only, publish nothing.
    pub dry_run: bool,
}

/// A list's name: 1 to 64 of `a-z`, `0-9`, `_` and `-`, not a built-in one.
pub fn list_of(name: &str, national: bool) -> Result<DoNotCallList, String> {
    if !model::name::is_slug(name, dialer::consent::LIST_NAME_LEN_MAX) {
        return Err(format!("{name:?}: 1 to 64 of a-z, 0-9, _ and -"));
    }
    if ["internal", "campaign"].contains(&name) {
        return Err(format!("{name:?} is a built-in list's name"));
    }
    Ok(match national {
        true => DoNotCallList::National(name.into()),
        false => DoNotCallList::Named(name.into()),
    })
}

/// One line read: a number in E.164 as its digits, or why not (none for a
/// line skipped).
fn number_of(line: &str, n: usize, cc: Option<u16>) -> Option<Result<u64, String>> {
    let s = line.trim().trim_start_matches('\u{feff}');
    if s.is_empty() || s.starts_with('#') || (n == 1 && s.starts_with(char::is_alphabetic)) {
        return None;
    }
    let (digits, cc) = match s.split_once(',') {
        // The US registry's `area code,number`.
        Some((area, rest)) => (format!("{}{}", area.trim(), rest.trim()), Some(1)),
        None => (s.to_string(), cc),
    };
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
    {
        return Some(Err(format!("{s:?} is not a phone number")));
    }
    let international = digits.starts_with('+') || digits.starts_with("00");
    let Some(cc) = cc.or(international.then_some(1)) else {
        return Some(Err(format!(
            "{s:?} has no country code and the import has no country"
        )));
    };
    Some(
        dialer::consent::to_e164(&digits, cc)
            .and_then(|p| dialer::consent::E164::of(&p))
            .map(|k| k.0)
            .ok_or_else(|| format!("{s:?} cannot be written as an E.164 number")),
    )
}

/// The file's numbers (E.164 digits, sorted, each once: 8 bytes a number)
/// and its rejected lines, with how many lines held a number and how many
/// repeated one.
pub fn read(text: &str, cc: Option<u16>) -> (Vec<u64>, Vec<Reject>, i64, i64) {
    let (mut numbers, mut rejects, mut lines) = (Vec::new(), Vec::new(), 0);
    for (i, line) in text.lines().enumerate() {
        let Some(r) = number_of(line, i + 1, cc) else {
            continue;
        };
        lines += 1;
        match r {
            Ok(n) => numbers.push(n),
            Err(reason) => rejects.push(Reject {
                line: (i + 1) as i64,
                column: String::new(),
                reason,
            }),
        }
    }
    let read = numbers.len();
    numbers.sort_unstable();
    numbers.dedup();
    let repeated = (read - numbers.len()) as i64;
    (numbers, rejects, lines, repeated)
}

/// Runs a list import to its end, keeping its row up to date.
pub async fn run(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: DncJob,
    bytes: Vec<u8>,
) -> ImportView {
    let mut view = crate::import::begun(store, t, job.id).await;
    let result = load(store, handle, t, &job, &bytes, &mut view).await;
    crate::import::ended(store, t, &mut view, result).await;
    view
}

async fn load(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: &DncJob,
    bytes: &[u8],
    view: &mut ImportView,
) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    let (numbers, rejects, lines, repeated) = read(&text, job.calling_code);
    drop(text);
    view.rows_total = lines;
    view.rejected = rejects.len() as i64;
    view.duplicates = repeated;
    store
        .add_import_rejects(t, job.id, 0, &rejects)
        .await
        .map_err(|e| e.to_string())?;
    store
        .save_import(t, view)
        .await
        .map_err(|e| e.to_string())?;
    if numbers.is_empty() {
        return Err("no number in the file: the list is left as it was".into());
    }
    for (i, part) in numbers.chunks(PART).enumerate() {
        if !job.dry_run {
            let op = Op::DoNotCallStage {
                list: job.list.clone(),
                phones: part.iter().map(|n| format!("+{n}")).collect(),
                first: i == 0,
            };
            handle.call(op).await.map_err(|e| e.message)?;
        }
        view.created += part.len() as i64;
        view.rows_read = (view.created + view.rejected + view.duplicates).min(lines);
        store
            .save_import(t, view)
            .await
            .map_err(|e| e.to_string())?;
    }
    view.rows_read = lines;
    if !job.dry_run {
        let op = Op::DoNotCallPublish(job.list.clone());
        handle.call(op).await.map_err(|e| e.message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbers_in_any_form_and_bad_ones_are_reported() {
        let text = "Telefono\n612 345 678\n+34 612 345 678\n0034 699 000 111\n# note\n\nnot a number\n212,5550123\n";
        let (numbers, rejects, lines, repeated) = read(text, Some(34));
        assert_eq!(numbers, [12125550123, 34612345678, 34699000111]);
        assert_eq!(repeated, 1);
        assert_eq!(lines, 5);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].line, 7);
        let (numbers, rejects, _, _) = read("612345678\n+420601000001\n", None);
        assert_eq!(numbers, [420601000001]);
        assert!(rejects[0].reason.contains("no country code"), "{rejects:?}");
    }

    #[test]
    fn list_names_are_plain_and_not_built_in() {
        assert_eq!(
            list_of("es_robinson", true),
            Ok(DoNotCallList::National("es_robinson".into()))
        );
        assert!(list_of("internal", false).is_err());
        assert!(list_of("Robinson List", true).is_err());
    }
}
