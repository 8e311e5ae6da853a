//! The demo's people's names, in Khmer script and the usual Latin spelling: the residents'
//! family names (which their families carry), children's, and the adults' given names.

/// Family names: Khmer script and the usual Latin spelling.
pub(super) const FAMILIES: [(&str, &str); 36] = [
    ("សុខ", "Sok"),
    ("ចាន់", "Chan"),
    ("ហេង", "Heng"),
    ("កែវ", "Keo"),
    ("ជា", "Chea"),
    ("គីម", "Kim"),
    ("លី", "Ly"),
    ("មាស", "Meas"),
    ("ង៉ែត", "Nget"),
    ("ពេជ្រ", "Pich"),
    ("ប្រាក់", "Prak"),
    ("សេង", "Seng"),
    ("ស៊ីម", "Sim"),
    ("ស៊ុន", "Sun"),
    ("តាន់", "Tan"),
    ("ទូច", "Touch"),
    ("វ៉ាន់", "Van"),
    ("យឹម", "Yim"),
    ("ហែម", "Hem"),
    ("ម៉ៅ", "Mao"),
    ("ញ៉ែម", "Nhem"),
    ("អ៊ុក", "Ouk"),
    ("ប៉ែន", "Pen"),
    ("ផាន់", "Phan"),
    ("រស់", "Ros"),
    ("សូ", "So"),
    ("ទេព", "Tep"),
    ("ថាច់", "Thach"),
    ("ឈឹម", "Chhim"),
    ("ខៀវ", "Khieu"),
    ("ឡុង", "Long"),
    ("ឆាយ", "Chhay"),
    ("លឹម", "Lim"),
    ("អេង", "Eng"),
    ("នួន", "Nuon"),
    ("ជុំ", "Chum"),
];

/// Girls' given names.
pub(super) const GIRLS: [(&str, &str); 26] = [
    ("ស្រីមុំ", "Sreymom"),
    ("ស្រីពៅ", "Sreypov"),
    ("ស្រីនាង", "Sreyneang"),
    ("ស្រីល័ក្ខ", "Sreyleak"),
    ("ស្រីអូន", "Sreyoun"),
    ("សុភា", "Sophea"),
    ("សុភី", "Sophy"),
    ("ចន្ថា", "Chantha"),
    ("ចន្ធូ", "Chanthou"),
    ("បុប្ផា", "Bopha"),
    ("កញ្ញា", "Kanha"),
    ("លក្ខិណា", "Leakhena"),
    ("ម្លិះ", "Malis"),
    ("មាលា", "Mealea"),
    ("នារី", "Nary"),
    ("ផល្លា", "Phalla"),
    ("រស្មី", "Raksmey"),
    ("សុខា", "Sokha"),
    ("ធារី", "Theary"),
    ("ធីតា", "Thida"),
    ("សុធា", "Sothea"),
    ("ចិន្តា", "Chenda"),
    ("កល្យាណ", "Kalyan"),
    ("រចនា", "Rachana"),
    ("សុវណ្ណារី", "Sovannary"),
    ("ពិសី", "Pisey"),
];

/// Boys' given names.
pub(super) const BOYS: [(&str, &str); 26] = [
    ("ដារា", "Dara"),
    ("សុផល", "Sophal"),
    ("វុទ្ធី", "Vuthy"),
    ("ឫទ្ធី", "Rithy"),
    ("ពិសិដ្ឋ", "Piseth"),
    ("សុខុម", "Sokhom"),
    ("វិជ្ជា", "Vichea"),
    ("វិសាល", "Visal"),
    ("សម្បត្តិ", "Sambath"),
    ("សុវណ្ណ", "Sovann"),
    ("កុសល", "Kosal"),
    ("មករា", "Makara"),
    ("ណារិទ្ធ", "Narith"),
    ("ភក្ត្រា", "Pheaktra"),
    ("រតនា", "Ratana"),
    ("សំណាង", "Samnang"),
    ("ប៊ុនធឿន", "Bunthoeun"),
    ("ចំរើន", "Chamroeun"),
    ("មុន្នី", "Mony"),
    ("បញ្ញា", "Panha"),
    ("រដ្ឋា", "Rotha"),
    ("ធារិទ្ធ", "Thearith"),
    ("វាសនា", "Veasna"),
    ("វីរៈ", "Virak"),
    ("សុធី", "Sothy"),
    ("បូរ៉ា", "Bora"),
];

/// Surnames of the contacts who do not carry the children's, after the residents' own: four
/// more, Khmer script and Latin letters.
pub(super) const MORE_SURNAMES: [(&str, &str); 4] = [
    ("ប៊ុន", "Bun"),
    ("អ៊ឹម", "Im"),
    ("ស្រេង", "Sreng"),
    ("ម៉ម", "Mom"),
];

/// Women's given names.
pub(super) const WOMEN: [(&str, &str); 20] = [
    ("ចាន់ធី", "Chanthy"),
    ("សុភាព", "Sopheap"),
    ("ម៉ាលី", "Maly"),
    ("សុខា", "Sokha"),
    ("ស្រីនួន", "Sreynuon"),
    ("ធារី", "Theary"),
    ("វណ្ណា", "Vanna"),
    ("ផល្លី", "Phally"),
    ("កញ្ញា", "Kanha"),
    ("សុគន្ធា", "Sokunthea"),
    ("រ៉ានី", "Rany"),
    ("ពុទ្ធី", "Puthy"),
    ("សុវណ្ណី", "Sovanny"),
    ("ចន្ទ្រា", "Chantrea"),
    ("លីដា", "Lida"),
    ("ស្រីពេជ្រ", "Sreypich"),
    ("សុខលី", "Sokly"),
    ("ហួយ", "Houy"),
    ("ស្រីអូន", "Sreyoun"),
    ("បុប្ផា", "Bopha"),
];

/// Men's given names.
pub(super) const MEN: [(&str, &str); 20] = [
    ("សុភ័ក្រ", "Sopheak"),
    ("វណ្ណៈ", "Vannak"),
    ("សុខហេង", "Sokheng"),
    ("សារឿន", "Saroeun"),
    ("បុរី", "Borey"),
    ("សុខុន", "Sokhon"),
    ("រិទ្ធ", "Rith"),
    ("ចំរើន", "Chamroeun"),
    ("សាវឿន", "Savoeun"),
    ("ធឿន", "Thoeun"),
    ("វិចិត្រ", "Vichet"),
    ("សុវណ្ណ", "Sovann"),
    ("ប៊ុនថា", "Buntha"),
    ("ណារ៉ុង", "Narong"),
    ("សម្ផស្ស", "Samphos"),
    ("ពិសិដ្ឋ", "Piseth"),
    ("វាសនា", "Veasna"),
    ("កុសល", "Kosal"),
    ("វុទ្ធា", "Vutha"),
    ("សម្បត្តិ", "Sambath"),
];

/// How many surnames [`surname`] knows.
pub(super) const SURNAME_COUNT: usize = FAMILIES.len() + MORE_SURNAMES.len();

/// The `i`-th surname: the residents' family names, then [`MORE_SURNAMES`].
pub(super) fn surname(i: usize) -> (&'static str, &'static str) {
    FAMILIES
        .get(i)
        .or_else(|| MORE_SURNAMES.get(i - FAMILIES.len()))
        .copied()
        .unwrap_or(FAMILIES[0])
}
