//! `centralita bench sip`: phone calls through the whole server on
//! loopback. sipp places customers' calls at a rate with a cap on calls at
//! once; each passes the tenant's IVR (a key), waits in the queue, is offered
//! by routing to an agent whose phone (a second sipp that answers every call)
//! rings and answers, is bridged (audio relayed both ways) and recorded, and
//! ends when the customer hangs up; every step is a fact in the log. It
//! prints sipp's successful and failed calls, what the log says (interactions,
//! calls connected to agents, ended, recordings), the peak of calls connected
//! at once, and the server's CPU time per call; it fails unless every call
//! went through.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::Duration;

use server::sip::{AgentPhone, RecordingPolicy, SipConfig, TenantSip};
use server::tenant::Op;
use telephony::load::{cpu_seconds, sipp_count};

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customers' calls in all.
    #[arg(long, default_value_t = 1_000)]
    pub calls: u64,
    /// New calls per second.
    #[arg(long, default_value_t = 50)]
    pub rate: u64,
    /// Calls at once at most (sipp's cap).
    #[arg(long, default_value_t = 200)]
    pub limit: u64,
    /// How long each customer talks once an agent is there, in ms.
    #[arg(long, default_value_t = 4_000)]
    pub hold_ms: u64,
}

const IVR: &str = r#"entry = "main"

[[menu]]
name = "main"
prompt = "main_menu"
timeout_s = 3
retries = 0
on_fail = { queue = "support" }
[menu.choices]
"1" = { queue = "support", set = { topic = "billing" } }
"#;

const PLAN: &str = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nring_timeout_s = 15\nwrap_up_s = 0\n";

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::UdpSocket::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

/// A scenario of the repository, its placeholders filled, written to `dir`.
fn scenario(dir: &Path, src: &str, fill: &[(&str, String)]) -> anyhow::Result<PathBuf> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(src);
    let mut text =
        std::fs::read_to_string(&from).map_err(|e| anyhow::anyhow!("{}: {e}", from.display()))?;
    for (k, v) in fill {
        text = text.replace(k, v);
    }
    let to = dir.join(from.file_name().unwrap_or_default());
    std::fs::write(&to, text)?;
    Ok(to)
}

fn sipp(args: Vec<String>) -> tokio::task::JoinHandle<std::io::Result<Output>> {
    tokio::task::spawn_blocking(move || {
        Command::new("sipp")
            .args(&args)
            .stdin(Stdio::null())
            .output()
    })
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if Command::new("sipp")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("error: sipp is missing: install the Debian package sip-tester");
        return Ok(ExitCode::from(super::super::EXIT_BAD_INPUT));
    }
    if args.calls == 0 || args.rate == 0 || args.limit == 0 {
        eprintln!("error: --calls, --rate and --limit must be at least 1");
        return Ok(ExitCode::from(super::super::EXIT_BAD_INPUT));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(bench(args))
}

#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
async fn bench(args: Args) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("centralita-bench-sip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let running = server::start(&store::sqlite_url(&dir), "127.0.0.1:0").await?;
    let st = running.state.clone();
    let t = st.store.create_tenant("load", 1).await?;
    let h = st
        .hub
        .tenant(&t)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let call = |op| {
        let h = h.clone();
        async move {
            h.call(op)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))
        }
    };
    call(Op::SetPlan(PLAN.into())).await?;
    // Enough agents for every call at once, and then some.
    let agents = args.limit + args.limit / 4 + 10;
    for i in 0..agents {
        call(Op::DefineAgent {
            id: None,
            name: format!("agent-{i}"),
            skills: vec![("support".into(), 5)],
            username: None,
            teams: None,
        })
        .await?;
    }
    // Every agent's phone is one sipp that answers every call and talks.
    let phones_port = free_port()?;
    let phones_addr: std::net::SocketAddr = format!("127.0.0.1:{phones_port}").parse()?;
    let config = SipConfig {
        max_calls: Some((args.limit * 4) as usize),
        calls_per_second: Some((args.rate * 4) as usize),
        tenant: vec![TenantSip {
            name: "load".into(),
            numbers: vec!["*".into()],
            ivr: Some(IVR.into()),
            announce_every_s: Some(0),
            recording: [("*".to_string(), RecordingPolicy::Always)].into(),
            phones: (0..agents)
                .map(|i| AgentPhone {
                    agent: format!("agent-{i}"),
                    address: phones_addr,
                    auto_answer: false,
                    ring_timeout_s: None,
                })
                .collect(),
            ..TenantSip::default()
        }],
        ..SipConfig::default()
    };
    let sip = server::sip::start(&st, "127.0.0.1:0".parse()?, config, &dir).await?;
    for i in 0..agents {
        call(Op::SignIn(i as i64, None)).await?;
    }
    let phones_scenario = scenario(&dir, "telephony/tests/sipp/uas_answer.xml", &[])?;
    let phones = sipp(vec![
        "-sf".into(),
        phones_scenario.display().to_string(),
        "-i".into(),
        "127.0.0.1".into(),
        "-p".into(),
        phones_port.to_string(),
        "-mp".into(),
        free_port()?.to_string(),
        "-m".into(),
        args.calls.to_string(),
        "-timeout".into(),
        "300".into(),
    ]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let customer_scenario = scenario(
        &dir,
        "server/tests/sipp/customer_ivr.xml",
        &[
            ("TALK_AFTER_MS", "300".into()),
            ("HOLD_MS", args.hold_ms.to_string()),
        ],
    )?;
    println!(
        "bench sip: {} calls at {}/s, at most {} at once, {} agents with phones; each customer keys 1 in the IVR, waits, talks {} ms to an agent, hangs up; every call recorded",
        args.calls, args.rate, args.limit, agents, args.hold_ms
    );
    let cpu0 = cpu_seconds();
    let t0 = std::time::Instant::now();
    let customers = sipp(vec![
        "-sf".into(),
        customer_scenario.display().to_string(),
        "-i".into(),
        "127.0.0.1".into(),
        "-p".into(),
        free_port()?.to_string(),
        "-mp".into(),
        free_port()?.to_string(),
        "-s".into(),
        "4001".into(),
        "-m".into(),
        args.calls.to_string(),
        "-r".into(),
        args.rate.to_string(),
        "-l".into(),
        args.limit.to_string(),
        "-timeout".into(),
        "300".into(),
        sip.sip_addr.to_string(),
    ])
    .await??;
    let wall = t0.elapsed().as_secs_f64();
    // The last calls' ends reach the log.
    let mut ended = 0;
    for _ in 0..100 {
        ended = st
            .store
            .interaction_counts(&t)
            .await?
            .iter()
            .filter(|(s, _, _)| s == "ended")
            .map(|(_, _, n)| *n)
            .sum::<i64>();
        if ended as u64 >= args.calls {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cpu = cpu_seconds() - cpu0;
    let stdout = String::from_utf8_lossy(&customers.stdout).to_string();
    let ok = sipp_count(&stdout, "Successful call").unwrap_or(0);
    let failed = sipp_count(&stdout, "Failed call").unwrap_or(0);
    // What the log says, in order: calls connected at once, at most.
    let (mut connected, mut recorded, mut after) = (0u64, 0u64, 0);
    let (mut in_call, mut peak_calls, mut at_once, mut peak) = (0i64, 0i64, 0i64, 0i64);
    loop {
        let page = st
            .store
            .events_after(&t, after, store::EVENTS_PAGE_MAX)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for r in &page {
            match r.fact.kind().as_str() {
                "call.connected" => {
                    connected += 1;
                    at_once += 1;
                    peak = peak.max(at_once);
                }
                "call.consult_connected" => {}
                "call.arrived" => {
                    in_call += 1;
                    peak_calls = peak_calls.max(in_call);
                }
                "call.ended" => {
                    at_once -= 1;
                    in_call -= 1;
                }
                "call.recording_started" => recorded += 1,
                _ => {}
            }
        }
    }
    // A recording is complete once its call task has closed it.
    let count_wavs = || {
        std::fs::read_dir(sip.recordings.join("load"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| {
                        e.path().extension().is_some_and(|x| x == "wav")
                            && e.metadata().is_ok_and(|m| m.len() > 44)
                    })
                    .count()
            })
            .unwrap_or(0) as u64
    };
    let mut wavs = count_wavs();
    for _ in 0..50 {
        if wavs >= args.calls {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        wavs = count_wavs();
    }
    let phones_out = phones.await??;
    let phones_stdout = String::from_utf8_lossy(&phones_out.stdout).to_string();
    let phones_failed = sipp_count(&phones_stdout, "Failed call").unwrap_or(0);
    println!("customers (sipp): {ok} successful, {failed} failed, wall {wall:.1} s");
    println!("agents' phones (sipp): {phones_failed} failed");
    println!(
        "the log: {ended} interactions ended, {connected} calls connected to an agent, {recorded} recordings started; {wavs} WAV files written"
    );
    println!("peak calls at once: {peak_calls} in the switch, {peak} of them connected to agents");
    println!(
        "server CPU (switch, tenant task, routing, log, recording): {cpu:.1} s ({:.0} % of one core), {:.1} ms per call",
        cpu / wall * 100.0,
        cpu * 1000.0 / args.calls as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
    let all = ok == args.calls
        && failed == 0
        && connected == args.calls
        && recorded == args.calls
        && wavs == args.calls
        && ended as u64 == args.calls;
    if all {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: not every call went through (see above)");
        Ok(ExitCode::FAILURE)
    }
}
