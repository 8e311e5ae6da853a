//! Charts of the dashboard, as SVG rendered on the server: beds slept in night by night,
//! meals expected and served day by day, homework attendance week by week.
//!
//! The geometry (`geometry.rs`) is plain functions of the figures, tested in `tests.rs`; the
//! components only lay the shapes out. Every chart draws in the same viewBox and scales to the width of its box. Its
//! text size comes from the stylesheet (`.chart`): larger in viewBox units in a narrow box,
//! so labels stay legible from a phone to a tablet. The margins leave room for the largest.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::model::{HomeworkWeek, MealsServed, OccupancyHistory};
use crate::base::i18n::{I18n, Key, use_i18n};

mod geometry;
use geometry::*;

/// A date's day and month, "22/11" (Khmer digits in Khmer): the year goes without saying.
fn day_month(i18n: I18n, date: NaiveDate) -> String {
    let full = i18n.date_short(date);
    match full.rsplit_once('/') {
        Some((day_month, _year)) => day_month.to_owned(),
        None => full,
    }
}

/// The highest figure of the occupancy chart: beds slept in on any night or in service.
fn occupancy_peak(history: &OccupancyHistory) -> i64 {
    let in_service = history.facilities.iter().map(|(_, beds)| *beds);
    let slept_in = history
        .nights
        .iter()
        .flat_map(|(_, occupied)| occupied.iter().copied());
    in_service.chain(slept_in).max().unwrap_or(0)
}

/// The points of facility `series` night by night, on an axis up to `max`.
fn occupancy_points(
    history: &OccupancyHistory,
    series: usize,
    frame: Frame,
    max: i64,
) -> Vec<(f64, f64)> {
    let n = history.nights.len();
    history
        .nights
        .iter()
        .enumerate()
        .filter_map(|(i, (_, occupied))| {
            occupied
                .get(series)
                .map(|&value| (frame.x_point(i, n), frame.y(value, max)))
        })
        .collect()
}

/// The last night: its date, beds slept in and beds in service, over every facility.
fn last_night(history: &OccupancyHistory) -> Option<(NaiveDate, i64, i64)> {
    let (date, occupied) = history.nights.last()?;
    let beds = history.facilities.iter().map(|(_, beds)| beds).sum();
    Some((*date, occupied.iter().sum(), beds))
}

/// Whether the meals chart has nothing to show: no days, or none with a figure.
fn meals_are_empty(days: &[MealsServed]) -> bool {
    days.iter()
        .all(|day| day.expected == 0 && day.served.is_none())
}

/// The highest figure of the meals chart.
fn meals_peak(days: &[MealsServed]) -> i64 {
    days.iter()
        .map(|day| day.expected.max(day.served.unwrap_or(0)))
        .max()
        .unwrap_or(0)
}

/// The last day with a served figure: its date, heads served and heads expected.
fn last_recorded(days: &[MealsServed]) -> Option<(NaiveDate, i64, i64)> {
    days.iter()
        .rev()
        .find_map(|day| day.served.map(|served| (day.day, served, day.expected)))
}

/// The last week with marks: its Monday and attendance rate.
fn last_rate(weeks: &[HomeworkWeek]) -> Option<(NaiveDate, i64)> {
    weeks
        .iter()
        .rev()
        .find_map(|week| week.rate().map(|rate| (week.week, rate)))
}

/// A chart's caption: what it shows over its last `n` nights, days or weeks.
fn caption(i18n: I18n, title: Key, n: usize) -> String {
    i18n.fmt(title, &[("count", &i18n.num(n as i64))])
}

/// A chart with nothing to draw yet: its caption and a short sentence.
fn no_data(i18n: I18n, title: String) -> AnyView {
    view! {
        <figure class="chart-figure">
            <figcaption class="chart-caption">{title}</figcaption>
            <p class="chart-empty">{i18n.t(Key::DashboardChartNoData)}</p>
        </figure>
    }
    .into_any()
}

/// A chart: its caption, the picture (named by its title, described by `desc` for screen
/// readers) and its legend. `id` names the chart on the page.
fn chart(
    id: &'static str,
    title: String,
    desc: String,
    body: impl IntoView + 'static,
    legend: impl IntoView + 'static,
) -> AnyView {
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    let caption = title.clone();
    view! {
        <figure class="chart-figure">
            <figcaption class="chart-caption">{caption}</figcaption>
            <svg
                class="chart"
                viewBox=VIEW_BOX
                font-size=FONT_SIZE
                role="img"
                aria-labelledby=labelled_by
                aria-describedby=described_by
            >
                <title id=title_id>{title}</title>
                <desc id=desc_id>{desc}</desc>
                {body}
            </svg>
            {legend}
        </figure>
    }
    .into_any()
}

/// The horizontal grid from 0 to `max`, its figures on the left and `unit` above them.
fn y_axis(i18n: I18n, frame: Frame, max: i64, unit: &'static str) -> impl IntoView {
    let lines = ticks(max)
        .into_iter()
        .map(|tick| {
            let y = coord(frame.y(tick, max));
            let class = if tick == 0 { "chart-axis" } else { "chart-grid" };
            view! {
                <line class=class x1=coord(frame.left) x2=coord(frame.right) y1=y.clone() y2=y.clone() />
                <text class="chart-tick" x=coord(frame.left - 8.0) y=y dy="0.35em" text-anchor="end">
                    {i18n.num(tick)}
                </text>
            }
        })
        .collect_view();
    view! {
        <g>{lines}</g>
        <text class="chart-unit" x="0" y=coord(frame.top) dy="-1em">{unit}</text>
    }
}

/// Dates under the x axis, each centred on its x. With `thin`, every other one counting back
/// from the last is marked minor: the stylesheet hides those in a narrow box.
fn x_labels(i18n: I18n, frame: Frame, labels: Vec<(f64, NaiveDate)>, thin: bool) -> impl IntoView {
    let n = labels.len();
    labels
        .into_iter()
        .enumerate()
        .map(move |(i, (x, date))| {
            let class = if thin && is_minor(i, n) {
                "chart-tick chart-tick-minor"
            } else {
                "chart-tick"
            };
            view! {
                <text class=class x=coord(x) y=coord(frame.bottom) dy="1.3em" text-anchor="middle">
                    {day_month(i18n, date)}
                </text>
            }
        })
        .collect_view()
}

/// A legend: each entry's swatch (drawn in a 32 × 16 box) and its words.
fn legend(entries: Vec<(AnyView, String)>) -> impl IntoView {
    let items = entries
        .into_iter()
        .map(|(swatch, label)| {
            view! {
                <li>
                    <svg class="chart-swatch" viewBox="0 0 32 16" aria-hidden="true">
                        {swatch}
                    </svg>
                    {label}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chart-legend">{items}</ul> }
}

/// Beds slept in over the last nights, a line per facility, with its beds in service as a
/// dashed line of the same colour; each facility has its own marker too.
#[component]
pub fn OccupancyChart(
    /// The facilities and their beds slept in night by night.
    history: OccupancyHistory,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = history.nights.len();
    let title = caption(i18n, Key::DashboardChartOccupancyTitle, n);
    let Some((date, occupied, beds)) = last_night(&history) else {
        return no_data(i18n, title);
    };
    if history.facilities.is_empty() {
        return no_data(i18n, title);
    }
    let frame = Frame::PLOT;
    let max = nice_max(occupancy_peak(&history));
    let series = history
        .facilities
        .iter()
        .enumerate()
        .map(|(i, (_, in_service))| {
            let points = occupancy_points(&history, i, frame, max);
            let y = coord(frame.y(*in_service, max));
            view! {
                <g class=series_class(i)>
                    <line class="chart-capacity" x1=coord(frame.left) x2=coord(frame.right) y1=y.clone() y2=y />
                    <path class="chart-line" fill="none" d=line_path(&points) />
                    <path class="chart-marker" d=marker_path(i, &points, MARKER) />
                </g>
            }
        })
        .collect_view();
    let dates = label_indices(n, DAYS_BETWEEN_LABELS)
        .into_iter()
        .filter_map(|i| {
            history
                .nights
                .get(i)
                .map(|(date, _)| (frame.x_point(i, n), *date))
        })
        .collect();
    let body = view! {
        {y_axis(i18n, frame, max, i18n.t(Key::DashboardChartBedsUnit))}
        {series}
        {x_labels(i18n, frame, dates, false)}
    };
    let mut entries: Vec<(AnyView, String)> = history
        .facilities
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let swatch = view! {
                <g class=series_class(i)>
                    <line class="chart-line" x1="1" y1="8" x2="31" y2="8" />
                    <path class="chart-marker" d=marker_path(i, &[(16.0, 8.0)], MARKER) />
                </g>
            }
            .into_any();
            (swatch, name.in_lang(i18n.lang).to_owned())
        })
        .collect();
    entries.push((
        view! { <line class="chart-capacity" x1="1" y1="8" x2="31" y2="8" /> }.into_any(),
        i18n.t(Key::DashboardChartBedsInService).to_owned(),
    ));
    let desc = i18n.fmt(
        Key::DashboardChartOccupancyDesc,
        &[
            ("date", &i18n.date_short(date)),
            ("occupied", &i18n.num(occupied)),
            ("beds", &i18n.num(beds)),
        ],
    );
    chart(
        "dashboard-occupancy-chart",
        title,
        desc,
        body,
        legend(entries),
    )
}

/// Heads expected day by day as light bars, with the heads served as a darker bar inside;
/// a day without a served record is drawn hollow.
#[component]
pub fn MealsChart(
    /// The days, oldest first.
    days: Vec<MealsServed>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = days.len();
    let title = caption(i18n, Key::DashboardChartMealsTitle, n);
    if meals_are_empty(&days) {
        return no_data(i18n, title);
    }
    let frame = Frame::PLOT;
    let max = nice_max(meals_peak(&days));
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let expected = frame.bar(i, n, 0.8, day.expected, max);
            let class = if day.served.is_some() {
                "chart-expected"
            } else {
                "chart-expected chart-unrecorded"
            };
            let served = day.served.map(|served| {
                let bar = frame.bar(i, n, 0.4, served, max);
                view! {
                    <rect class="chart-served" x=coord(bar.x) y=coord(bar.y) width=coord(bar.width) height=coord(bar.height) />
                }
            });
            view! {
                <rect class=class x=coord(expected.x) y=coord(expected.y) width=coord(expected.width) height=coord(expected.height) />
                {served}
            }
        })
        .collect_view();
    let dates = label_indices(n, DAYS_BETWEEN_LABELS)
        .into_iter()
        .filter_map(|i| days.get(i).map(|day| (frame.band_mid(i, n), day.day)))
        .collect();
    let body = view! {
        {y_axis(i18n, frame, max, i18n.t(Key::DashboardChartHeadsUnit))}
        {bars}
        {x_labels(i18n, frame, dates, false)}
    };
    let entries = vec![
        (
            view! { <rect class="chart-expected" x="4" y="1" width="24" height="14" /> }
                .into_any(),
            i18n.t(Key::DashboardChartExpected).to_owned(),
        ),
        (
            view! { <rect class="chart-served" x="10" y="1" width="12" height="14" /> }
                .into_any(),
            i18n.t(Key::DashboardChartServed).to_owned(),
        ),
        (
            view! { <rect class="chart-expected chart-unrecorded" x="4" y="1" width="24" height="14" /> }
                .into_any(),
            i18n.t(Key::DashboardChartNotRecorded).to_owned(),
        ),
    ];
    let desc = match last_recorded(&days) {
        Some((date, served, expected)) => i18n.fmt(
            Key::DashboardChartMealsDesc,
            &[
                ("date", &i18n.date_short(date)),
                ("served", &i18n.num(served)),
                ("expected", &i18n.num(expected)),
            ],
        ),
        None => i18n.t(Key::DashboardChartMealsDescNone).to_owned(),
    };
    chart("dashboard-meals-chart", title, desc, body, legend(entries))
}

/// Homework attendance week by week, in percent of the marks that count, each bar with its
/// figure; a week without marks gets a short dash on the axis.
#[component]
pub fn HomeworkChart(
    /// The weeks, oldest first.
    weeks: Vec<HomeworkWeek>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = weeks.len();
    let title = caption(i18n, Key::DashboardChartHomeworkTitle, n);
    let Some((latest_week, latest_rate)) = last_rate(&weeks) else {
        return no_data(i18n, title);
    };
    let frame = Frame::PLOT;
    let max = 100;
    let bars = weeks
        .iter()
        .enumerate()
        .map(|(i, week)| match week.rate() {
            Some(rate) => {
                let bar = frame.bar(i, n, 0.6, rate, max);
                view! {
                    <rect class="chart-rate" x=coord(bar.x) y=coord(bar.y) width=coord(bar.width) height=coord(bar.height) />
                    <text class="chart-value" x=coord(frame.band_mid(i, n)) y=coord(bar.y - 6.0) text-anchor="middle">
                        {i18n.num(rate)}
                    </text>
                }
                .into_any()
            }
            None => {
                let mid = frame.band_mid(i, n);
                let y = coord(frame.bottom - 8.0);
                view! {
                    <line class="chart-none" x1=coord(mid - 8.0) x2=coord(mid + 8.0) y1=y.clone() y2=y />
                }
                .into_any()
            }
        })
        .collect_view();
    let dates = label_indices(n, n.div_ceil(WEEK_LABELS))
        .into_iter()
        .filter_map(|i| weeks.get(i).map(|week| (frame.band_mid(i, n), week.week)))
        .collect();
    let body = view! {
        {y_axis(i18n, frame, max, i18n.t(Key::DashboardChartRateUnit))}
        {bars}
        {x_labels(i18n, frame, dates, true)}
    };
    let entries = if weeks.iter().any(|week| week.rate().is_none()) {
        vec![(
            view! { <line class="chart-none" x1="8" y1="8" x2="24" y2="8" /> }.into_any(),
            i18n.t(Key::DashboardChartNoMarks).to_owned(),
        )]
    } else {
        Vec::new()
    };
    let desc = i18n.fmt(
        Key::DashboardChartHomeworkDesc,
        &[
            ("date", &i18n.date_short(latest_week)),
            ("rate", &i18n.num(latest_rate)),
        ],
    );
    let key = (!entries.is_empty()).then(|| legend(entries));
    chart("dashboard-homework-chart", title, desc, body, key)
}

#[cfg(test)]
mod tests;
