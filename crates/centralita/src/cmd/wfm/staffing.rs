//! `centralita staffing --input FILE.csv [--output FILE.csv]`: agents per interval and queue.
//!
//! Input columns `interval_start,queue,calls,aht_s,interval_s,sl_target,sl_seconds,max_occupancy`
//! and optionally `patience_s` (Erlang A) and `shrinkage`; other columns are carried through.
//! Output: the input columns plus `erlangs,agents,service_level,p_wait,asa_s,occupancy,
//! abandon_rate,scheduled_agents` (a column already in the input is replaced in place).

use std::path::PathBuf;
use std::process::ExitCode;

use wfm::WfmError;
use wfm::staffing::{Staffing, StaffingRequest, staff};

use super::input::{BadInput, Table, csv_buffer, csv_bytes, seconds, share, write_output};

/// Arguments of `centralita staffing`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Intervals to staff (CSV).
    #[arg(long, value_name = "FILE.csv")]
    pub input: PathBuf,
    /// Where to write the result (CSV); standard output when absent.
    #[arg(long, value_name = "FILE.csv")]
    pub output: Option<PathBuf>,
}

/// The columns every staffing input must have.
pub const REQUIRED_COLUMNS: [&str; 8] = [
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "interval_s",
    "sl_target",
    "sl_seconds",
    "max_occupancy",
];

/// The columns the command adds.
pub const OUTPUT_COLUMNS: [&str; 8] = [
    "erlangs",
    "agents",
    "service_level",
    "p_wait",
    "asa_s",
    "occupancy",
    "abandon_rate",
    "scheduled_agents",
];

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let table = Table::read(&args.input)?;
    let requests = read_requests(&table)?;
    let results = staff_all(&table, &requests)?;
    let bytes = render(&table, &results)?;
    write_output(args.output.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// Parses every row (numbers only; ranges are checked by [`staff_all`]).
pub fn read_requests(table: &Table) -> anyhow::Result<Vec<StaffingRequest>> {
    let mut idx = [0usize; 8];
    for (slot, name) in idx.iter_mut().zip(REQUIRED_COLUMNS) {
        *slot = table.column(name)?;
    }
    let [_, _, calls, aht, interval, target, sl_s, cap] = idx;
    let patience = table.optional_column("patience_s");
    let shrinkage = table.optional_column("shrinkage");
    table
        .rows
        .iter()
        .map(|(line, r)| {
            let line = *line;
            Ok(StaffingRequest {
                calls: table.number(line, r, calls)?,
                aht_s: table.number(line, r, aht)?,
                interval_s: table.number(line, r, interval)?,
                sl_target: table.number(line, r, target)?,
                sl_seconds: table.number(line, r, sl_s)?,
                max_occupancy: table.number(line, r, cap)?,
                patience_s: table.optional_number(line, r, patience)?,
                shrinkage: table.optional_number(line, r, shrinkage)?,
            })
        })
        .collect()
}

/// Staffs every row; the first bad row is an error naming its line and column.
pub fn staff_all(table: &Table, requests: &[StaffingRequest]) -> anyhow::Result<Vec<Staffing>> {
    requests
        .iter()
        .zip(&table.rows)
        .map(|(req, (line, _))| staff(req).map_err(|e| row_error(table, *line, &e)))
        .collect()
}

/// A library error on one row, as bad input naming the line (and the column, when it is one).
pub fn row_error(table: &Table, line: u64, err: &WfmError) -> anyhow::Error {
    let place = match err {
        WfmError::OutOfRange { field, .. } => match table.optional_column(field) {
            Some(col) => table.at(line, col),
            None => format!("{} line {line}", table.name),
        },
        _ => format!("{} line {line}", table.name),
    };
    anyhow::Error::new(BadInput(format!("{place}: {err}")))
}

/// The output CSV, built whole in memory.
fn render(table: &Table, results: &[Staffing]) -> anyhow::Result<Vec<u8>> {
    let mut headers = table.headers.clone();
    let positions: Vec<usize> = OUTPUT_COLUMNS
        .iter()
        .map(|name| {
            table.optional_column(name).unwrap_or_else(|| {
                headers.push((*name).to_string());
                headers.len() - 1
            })
        })
        .collect();
    let mut out = csv_buffer();
    out.write_record(&headers)?;
    for ((_, record), s) in table.rows.iter().zip(results) {
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        fields.resize(headers.len(), String::new());
        let values = [
            format!("{:.6}", s.erlangs),
            s.agents.to_string(),
            share(s.service_level),
            share(s.p_wait),
            seconds(s.asa_s),
            share(s.occupancy),
            s.abandon_rate.map(share).unwrap_or_default(),
            s.scheduled_agents.to_string(),
        ];
        for (pos, value) in positions.iter().zip(values) {
            fields[*pos] = value;
        }
        out.write_record(&fields)?;
    }
    csv_bytes(out)
}
