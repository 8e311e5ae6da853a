use super::*;
use crate::base::i18n::Lang;
use crate::centre::model::Name;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a valid date")
}

fn name(latin: &str) -> Name {
    Name {
        khmer: "អគារ".to_owned(),
        latin: latin.to_owned(),
    }
}

fn two_houses() -> OccupancyHistory {
    OccupancyHistory {
        facilities: vec![(name("Boys"), 80), (name("Girls"), 80)],
        nights: vec![
            (day(20), vec![70, 72]),
            (day(21), vec![74, 75]),
            (day(22), vec![76, 76]),
        ],
    }
}

fn render(lang: Lang, view: impl FnOnce() -> AnyView) -> String {
    Owner::new().with(|| {
        provide_context(I18n { lang });
        view().to_html()
    })
}

#[test]
fn an_axis_tops_out_at_the_next_round_figure() {
    let cases = [
        (-5, 1),
        (0, 1),
        (1, 1),
        (3, 5),
        (7, 10),
        (10, 10),
        (11, 20),
        (152, 200),
        (200, 200),
        (201, 500),
        (501, 1000),
    ];
    for (value, max) in cases {
        assert_eq!(nice_max(value), max, "nice_max({value})");
    }
    assert_eq!(nice_max(i64::MAX), i64::MAX);
}

#[test]
fn ticks_are_round_whole_steps_from_zero() {
    assert_eq!(ticks(1), vec![0, 1]);
    assert_eq!(ticks(2), vec![0, 1, 2]);
    assert_eq!(ticks(5), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(ticks(10), vec![0, 2, 4, 6, 8, 10]);
    assert_eq!(ticks(20), vec![0, 5, 10, 15, 20]);
    assert_eq!(ticks(100), vec![0, 20, 40, 60, 80, 100]);
    assert_eq!(ticks(200), vec![0, 50, 100, 150, 200]);
    assert_eq!(ticks(500), vec![0, 100, 200, 300, 400, 500]);
    assert_eq!(ticks(0), vec![0, 1]);
}

#[test]
fn values_map_onto_the_frame_and_stay_inside_it() {
    let frame = Frame {
        left: 10.0,
        top: 20.0,
        right: 110.0,
        bottom: 220.0,
    };
    assert_eq!(frame.y(0, 100), 220.0);
    assert_eq!(frame.y(100, 100), 20.0);
    assert_eq!(frame.y(25, 100), 170.0);
    assert_eq!(frame.y(150, 100), 20.0);
    assert_eq!(frame.y(-3, 100), 220.0);
    // An axis without height divides by nothing.
    assert_eq!(frame.y(5, 0), 220.0);
    assert_eq!(frame.x_point(0, 3), 10.0);
    assert_eq!(frame.x_point(1, 3), 60.0);
    assert_eq!(frame.x_point(2, 3), 110.0);
    assert_eq!(frame.x_point(0, 1), 60.0);
    assert_eq!(frame.x_point(0, 0), 60.0);
    assert_eq!(frame.band_mid(0, 4), 22.5);
    assert_eq!(frame.band_mid(3, 4), 97.5);
    assert_eq!(frame.band_width(0), 100.0);
    assert_eq!(
        frame.bar(1, 4, 0.8, 50, 100),
        Bar {
            x: 37.5,
            y: 120.0,
            width: 20.0,
            height: 100.0
        }
    );
}

#[test]
fn coordinates_are_written_short() {
    assert_eq!(coord(12.0), "12");
    assert_eq!(coord(12.34), "12.3");
    assert_eq!(coord(12.96), "13");
    assert_eq!(coord(-0.01), "0");
    assert_eq!(coord(-4.5), "-4.5");
}

#[test]
fn a_line_goes_through_its_points_in_order() {
    assert_eq!(
        line_path(&[(0.0, 10.0), (5.5, 2.25), (10.0, 0.0)]),
        "M0 10 L5.5 2.3 L10 0"
    );
    assert_eq!(line_path(&[]), "");
}

#[test]
fn each_series_has_its_own_marker() {
    let at = [(10.0, 20.0)];
    assert_eq!(
        marker_path(0, &at, 5.0),
        "M5 20 a5 5 0 1 0 10 0 a5 5 0 1 0 -10 0Z"
    );
    assert_eq!(marker_path(1, &at, 5.0), "M5 15 h10 v10 h-10Z");
    assert_eq!(marker_path(2, &at, 5.0), "M10 15 l5 10 h-10Z");
    assert_eq!(marker_path(3, &at, 5.0), "M10 15 l5 5 l-5 5 l-5 -5Z");
    assert_eq!(marker_path(5, &at, 5.0), marker_path(1, &at, 5.0));
    assert_eq!(
        marker_path(1, &[(0.0, 0.0), (10.0, 0.0)], 1.0),
        "M-1 -1 h2 v2 h-2Z M9 -1 h2 v2 h-2Z"
    );
    assert_eq!(series_class(5), "series-1");
}

#[test]
fn labels_count_back_from_the_last_item() {
    assert_eq!(label_indices(30, 7), vec![1, 8, 15, 22, 29]);
    assert_eq!(label_indices(28, 7), vec![6, 13, 20, 27]);
    assert_eq!(label_indices(3, 0), vec![0, 1, 2]);
    assert_eq!(label_indices(0, 7), Vec::<usize>::new());
    let minor: Vec<bool> = (0..5).map(|i| is_minor(i, 5)).collect();
    assert_eq!(minor, vec![false, true, false, true, false]);
    let minor: Vec<bool> = (0..4).map(|i| is_minor(i, 4)).collect();
    assert_eq!(minor, vec![true, false, true, false]);
}

#[test]
fn dates_under_a_chart_drop_the_year_in_the_readers_digits() {
    assert_eq!(day_month(I18n { lang: Lang::En }, day(2)), "02/11");
    assert_eq!(day_month(I18n { lang: Lang::Km }, day(22)), "២២/១១");
}

#[test]
fn occupancy_is_scaled_to_its_highest_figure() {
    let history = two_houses();
    assert_eq!(occupancy_peak(&history), 80);
    assert_eq!(occupancy_peak(&OccupancyHistory::default()), 0);
    let frame = Frame {
        left: 0.0,
        top: 0.0,
        right: 100.0,
        bottom: 100.0,
    };
    assert_eq!(
        occupancy_points(&history, 1, frame, 100),
        vec![(0.0, 28.0), (50.0, 25.0), (100.0, 24.0)]
    );
    // A facility missing from a night's figures is left out, not read past the end.
    assert!(occupancy_points(&history, 2, frame, 100).is_empty());
    assert_eq!(last_night(&history), Some((day(22), 152, 160)));
    assert_eq!(last_night(&OccupancyHistory::default()), None);
}

#[test]
fn meals_read_their_last_record_and_know_when_empty() {
    let days = vec![
        MealsServed {
            day: day(1),
            expected: 300,
            served: Some(290),
        },
        MealsServed {
            day: day(2),
            expected: 310,
            served: Some(320),
        },
        MealsServed {
            day: day(3),
            expected: 305,
            served: None,
        },
    ];
    assert_eq!(meals_peak(&days), 320);
    assert_eq!(last_recorded(&days), Some((day(2), 320, 310)));
    assert!(!meals_are_empty(&days));
    assert!(meals_are_empty(&[]));
    let nothing = MealsServed {
        day: day(4),
        expected: 0,
        served: None,
    };
    assert!(meals_are_empty(&[nothing]));
    assert_eq!(last_recorded(&[nothing]), None);
}

#[test]
fn homework_reads_its_last_week_with_marks() {
    let weeks = [
        HomeworkWeek {
            week: day(2),
            came: 9,
            marked: 10,
        },
        HomeworkWeek {
            week: day(9),
            came: 0,
            marked: 0,
        },
    ];
    assert_eq!(last_rate(&weeks), Some((day(2), 90)));
    assert_eq!(last_rate(&weeks[1..]), None);
    assert_eq!(last_rate(&[]), None);
}

#[test]
fn charts_without_figures_say_so_instead_of_drawing_axes() {
    let html = render(Lang::En, || {
        view! { <OccupancyChart history=OccupancyHistory::default() /> }.into_any()
    });
    assert!(html.contains("No data yet."), "{html}");
    assert!(!html.contains("<svg"), "{html}");
    let html = render(Lang::Fr, || view! { <MealsChart days=vec![] /> }.into_any());
    assert!(html.contains("Pas encore de données."), "{html}");
    let weeks = vec![HomeworkWeek {
        week: day(2),
        came: 0,
        marked: 0,
    }];
    let html = render(Lang::En, || {
        view! { <HomeworkChart weeks=weeks /> }.into_any()
    });
    assert!(html.contains("No data yet."), "{html}");
    assert!(!html.contains("<svg"), "{html}");
}

#[test]
fn the_occupancy_chart_is_a_named_and_described_picture() {
    let html = render(Lang::En, || {
        view! { <OccupancyChart history=two_houses() /> }.into_any()
    });
    assert!(html.contains(r#"role="img""#), "{html}");
    assert!(
        html.contains(r#"aria-labelledby="dashboard-occupancy-chart-title""#),
        "{html}"
    );
    assert!(
        html.contains(r#"<title id="dashboard-occupancy-chart-title">"#),
        "{html}"
    );
    assert!(
        html.contains("Night of 22/11/2026: 152 of 160 beds slept in."),
        "{html}"
    );
    assert!(html.contains(r#"class="series-0""#), "{html}");
    assert!(html.contains(r#"class="series-1""#), "{html}");
    assert!(html.contains("Girls"), "{html}");
    // Axis from 0 to 100 beds.
    assert!(html.contains(">100</text>"), "{html}");
}

#[test]
fn khmer_readers_get_khmer_digits_on_the_axes() {
    let days = vec![MealsServed {
        day: day(22),
        expected: 150,
        served: None,
    }];
    let html = render(Lang::Km, || view! { <MealsChart days=days /> }.into_any());
    // Axis from 0 to 200, the date without its year.
    assert!(html.contains(">២០០</text>"), "{html}");
    assert!(html.contains(">២២/១១</text>"), "{html}");
    assert!(html.contains("chart-expected chart-unrecorded"), "{html}");
    assert!(!html.contains(r#"class="chart-served" x="#), "{html}");
}
