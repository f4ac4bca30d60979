//! The wallboard's charts over the tenant's day, drawn on the server as
//! inline SVG: per 30-minute interval the contacts offered, answered and
//! abandoned (bars) with their service level against the target (dots and a
//! dashed line); the mean number of agents in each state (stacked bars);
//! and each agent's timeline of today's states, a not-ready state over its
//! planned length outlined. Every chart has a visually hidden table or an
//! `aria-label` holding its numbers for screen readers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use i18n::Arg;
use model::event::AgentState;

use super::super::live::{self, INTERVAL_MS, Interval, StateSlot};
use super::super::{Ctx, Markup, html};

/// The charts' drawing box (SVG user units; the page scales it).
const W: f64 = 960.0;
const H: f64 = 200.0;
/// Room left of and below the plot for the scale and the hours.
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 18.0;

/// The class that colours a state slot.
fn slot_class(s: StateSlot) -> &'static str {
    match s {
        StateSlot::Available => "st-available",
        StateSlot::NotReady => "st-not-ready",
        StateSlot::Reserved => "st-reserved",
        StateSlot::Busy => "st-busy",
        StateSlot::WrapUp => "st-wrap-up",
    }
}

/// An interval's start as local time (`HH:MM`).
fn hhmm(at: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(at)
        .map(|d| i18n::time(d, tz))
        .unwrap_or_default()
}

/// The hours under a plot of `n` intervals, every two hours.
fn hours(iv: &[Interval], tz: Tz, step: f64) -> Markup {
    html! {
        @for (i, f) in iv.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
            text.axis x=(format!("{:.1}", LEFT + i as f64 * step)) y=(format!("{:.0}", H - 4.0)) { (hhmm(f.start, tz)) }
        }
    }
}

fn legend(items: &[(&str, String)]) -> Markup {
    html! {
        ul.legend aria-hidden="true" {
            @for (class, label) in items {
                li { svg.key width="12" height="12" { rect class=(class) width="12" height="12" {} } " " (label) }
            }
        }
    }
}

/// Offered, answered and abandoned by interval, with service level against `target`.
pub fn contacts_chart(ctx: &Ctx, iv: &[Interval], target: Option<f64>, tz: Tz) -> Markup {
    let plot_h = H - BOTTOM - 6.0;
    let step = (W - LEFT) / iv.len().max(16) as f64;
    let max = iv.iter().map(|f| f.offered).max().unwrap_or(0).max(1) as f64;
    let y = |v: f64| 6.0 + plot_h * (1.0 - v);
    let bar = (step / 4.0).max(1.0);
    let kinds = [
        ("bar-offered", ctx.t("chart-offered")),
        ("bar-answered", ctx.t("answered")),
        ("bar-abandoned", ctx.t("chart-abandoned")),
        ("sl-dot", ctx.t("chart-service-level")),
    ];
    html! {
        figure.chart #chart-contacts {
            figcaption { (ctx.t("chart-contacts-title")) }
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-label=(ctx.t("chart-contacts-title")) {
                text.axis x="0" y="14" { (max as u32) }
                @if let Some(t) = target {
                    line.target x1=(LEFT) x2=(W) y1=(format!("{:.1}", y(t))) y2=(format!("{:.1}", y(t))) {}
                }
                @for (i, f) in iv.iter().enumerate() {
                    @let x0 = LEFT + i as f64 * step;
                    @for (k, v) in [f.offered, f.answered, f.abandoned].into_iter().enumerate() {
                        @let h = plot_h * v as f64 / max;
                        rect class=(kinds[k].0) x=(format!("{:.1}", x0 + k as f64 * bar)) y=(format!("{:.1}", 6.0 + plot_h - h))
                            width=(format!("{bar:.1}")) height=(format!("{h:.1}")) {}
                    }
                    @if let Some(sl) = f.service_level {
                        circle class={ "sl-dot" @if target.is_some_and(|t| sl < t) { " below" } }
                            cx=(format!("{:.1}", x0 + 1.5 * bar)) cy=(format!("{:.1}", y(sl))) r="4" {}
                    }
                }
                (hours(iv, tz, step))
            }
            (legend(&kinds.iter().map(|(c, l)| (*c, l.clone())).collect::<Vec<_>>()))
            (contacts_table(ctx, iv, tz))
        }
    }
}

fn contacts_table(ctx: &Ctx, iv: &[Interval], tz: Tz) -> Markup {
    html! {
        div.sr { table.chart-data {
            caption { (ctx.t("chart-contacts-title")) }
            thead { tr {
                th scope="col" { (ctx.t("chart-interval")) }
                th scope="col" { (ctx.t("chart-offered")) }
                th scope="col" { (ctx.t("answered")) }
                th scope="col" { (ctx.t("chart-abandoned")) }
                th scope="col" { (ctx.t("chart-service-level")) }
            } }
            tbody {
                @for f in iv {
                    tr data-interval=(hhmm(f.start, tz)) {
                        th scope="row" { (hhmm(f.start, tz)) }
                        td.offered { (f.offered) }
                        td.answered { (f.answered) }
                        td.abandoned { (f.abandoned) }
                        td { (f.service_level.map_or_else(|| "—".into(), |v| i18n::percent(ctx.lang, v, 0))) }
                    }
                }
            }
        } }
    }
}

/// The mean number of agents in each state by interval, stacked.
pub fn agents_chart(ctx: &Ctx, iv: &[Interval], tz: Tz) -> Markup {
    let plot_h = H - BOTTOM - 6.0;
    let step = (W - LEFT) / iv.len().max(16) as f64;
    let max = iv
        .iter()
        .map(|f| f.agents.iter().sum::<f64>())
        .fold(1.0, f64::max)
        .ceil();
    let slots: Vec<_> = StateSlot::ALL
        .iter()
        .map(|s| (slot_class(*s), ctx.t(s.key())))
        .collect();
    html! {
        figure.chart #chart-agents {
            figcaption { (ctx.t("chart-agents-title")) }
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-label=(ctx.t("chart-agents-title")) {
                text.axis x="0" y="14" { (max) }
                @for (class, x, y, h) in stacks(iv, step, plot_h, max) {
                    rect class=(slots[class].0) x=(format!("{x:.1}")) y=(format!("{y:.1}"))
                        width=(format!("{:.1}", step * 0.8)) height=(format!("{h:.1}")) {}
                }
                (hours(iv, tz, step))
            }
            (legend(&slots))
            div.sr { table.chart-data {
                caption { (ctx.t("chart-agents-title")) }
                thead { tr {
                    th scope="col" { (ctx.t("chart-interval")) }
                    @for (_, l) in &slots { th scope="col" { (l) } }
                } }
                tbody {
                    @for f in iv {
                        tr {
                            th scope="row" { (hhmm(f.start, tz)) }
                            @for v in f.agents { td { (i18n::number(ctx.lang, v, 1)) } }
                        }
                    }
                }
            } }
        }
    }
}

/// The stacked bars' rectangles: slot, x, y, height.
fn stacks(iv: &[Interval], step: f64, plot_h: f64, max: f64) -> Vec<(usize, f64, f64, f64)> {
    let mut out = Vec::new();
    for (i, f) in iv.iter().enumerate() {
        let x = LEFT + i as f64 * step;
        let mut top = 6.0 + plot_h;
        for (k, v) in f.agents.iter().enumerate() {
            let h = plot_h * v / max;
            top -= h;
            if h > 0.0 {
                out.push((k, x, top, h));
            }
        }
    }
    out
}

/// A state's name (the reason, for not ready).
pub fn state_label(ctx: &Ctx, s: &AgentState) -> String {
    match s {
        AgentState::NotReady(r) => {
            let id = format!("reason-{}", r.as_str());
            if i18n::Catalog::global().has(ctx.lang, &id) {
                ctx.t(&id)
            } else {
                r.as_str().to_string()
            }
        }
        other => StateSlot::of(other).map_or_else(|| ctx.t("state-offline"), |s| ctx.t(s.key())),
    }
}

/// One agent's timeline from the day's start to `now`.
pub struct Timeline<'a> {
    /// The agent's name.
    pub name: &'a str,
    /// Its live facts.
    pub live: &'a live::AgentLive,
}

/// Each agent's states today as a bar, overruns outlined, with the count of overruns.
pub fn timelines(
    ctx: &Ctx,
    rows: &[Timeline<'_>],
    limits: &HashMap<String, u64>,
    day_ms: i64,
    now: i64,
) -> Markup {
    let span = (now - day_ms).max(INTERVAL_MS) as f64;
    let x = |at: i64| 1000.0 * (at - day_ms) as f64 / span;
    html! {
        h2 #timeline-h { (ctx.t("timeline-title")) }
        (legend(&StateSlot::ALL.iter().map(|s| (slot_class(*s), ctx.t(s.key()))).collect::<Vec<_>>()))
        .scroll role="region" aria-labelledby="timeline-h" tabindex="0" {
            table.timeline aria-labelledby="timeline-h" {
                thead { tr {
                    th scope="col" { (ctx.t("agent")) }
                    th scope="col" { (ctx.t("timeline-col")) }
                    th.num scope="col" { (ctx.t("overruns-today")) }
                } }
                tbody {
                    @for r in rows {
                        @let segs = r.live.segments(now);
                        @let overruns = r.live.overruns(limits, now);
                        tr data-timeline=(r.name) {
                            th scope="row" { (r.name) }
                            td.bar {
                                svg viewBox="0 0 1000 20" preserveAspectRatio="none" role="img"
                                    aria-label=(summary(ctx, &segs, limits)) {
                                    @for (from, to, s) in &segs {
                                        @let over = live::over_limit(s, to - from, limits).is_some();
                                        rect class={ (StateSlot::of(s).map_or("", slot_class)) @if over { " over" } }
                                            x=(format!("{:.2}", x(*from))) y="2" height="16"
                                            width=(format!("{:.2}", (x(*to) - x(*from)).max(0.5))) {}
                                    }
                                }
                            }
                            td.num.overruns class={ @if overruns > 0 { "over" } } { (overruns) }
                        }
                    }
                }
            }
        }
    }
}

/// The time in each state today, and the states over their limit, as text.
fn summary(ctx: &Ctx, segs: &[(i64, i64, AgentState)], limits: &HashMap<String, u64>) -> String {
    let mut per: Vec<(String, i64)> = Vec::new();
    let mut over = Vec::new();
    for (from, to, s) in segs {
        let label = state_label(ctx, s);
        match per.iter_mut().find(|(l, _)| *l == label) {
            Some((_, ms)) => *ms += to - from,
            None => per.push((label.clone(), to - from)),
        }
        if let Some(limit) = live::over_limit(s, to - from, limits) {
            over.push(over_text(ctx, &label, to - from, limit));
        }
    }
    let mut parts: Vec<String> = per
        .into_iter()
        .map(|(l, ms)| format!("{l} {}", i18n::duration(ms as f64 / 1000.0)))
        .collect();
    parts.extend(over);
    if parts.is_empty() {
        return ctx.t("timeline-empty");
    }
    parts.join("; ")
}

/// "Break 17:20 over 15:00".
pub fn over_text(ctx: &Ctx, label: &str, len_ms: i64, limit_ms: i64) -> String {
    let value = format!("{label} {}", i18n::duration(len_ms as f64 / 1000.0));
    ctx.ta(
        "state-over-limit",
        &[
            ("value", Arg::Str(&value)),
            (
                "target",
                Arg::Str(&i18n::duration(limit_ms as f64 / 1000.0)),
            ),
        ],
    )
}

/// "Break 17:20 over 15:00", its time in the state counting up in the
/// browser from `since` (an element with `data-since`).
pub fn over_markup(ctx: &Ctx, label: &str, since: i64, len_ms: i64, limit_ms: i64) -> Markup {
    const MARK: &str = "\u{1}";
    let value = format!("{label} {MARK}");
    let text = ctx.ta(
        "state-over-limit",
        &[
            ("value", Arg::Str(&value)),
            (
                "target",
                Arg::Str(&i18n::duration(limit_ms as f64 / 1000.0)),
            ),
        ],
    );
    let (before, after) = text.split_once(MARK).unwrap_or((&text, ""));
    html! {
        (before)
        span data-since=(since) { (i18n::duration(len_ms as f64 / 1000.0)) }
        (after)
    }
}
