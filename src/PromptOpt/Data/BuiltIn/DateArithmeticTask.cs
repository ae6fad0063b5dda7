using System.Globalization;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Date arithmetic in the style of BIG-Bench Hard's date understanding: "Today is 02/20/2024. What is the date 12 days
/// after today in MM/DD/YYYY?" with five options (A)–(E). Level 1: tomorrow, yesterday or up to 9 days; level 2:
/// 10–60 days; level 3: 61–400 days or 10–52 weeks. A quarter of the start dates fall near the end of February of
/// a leap year. Distractors are near misses: off by a day or two, the wrong month or year, the wrong direction.
/// </summary>
internal sealed class DateArithmeticTask : BuiltInTask
{
    public const string MonthLengths = "month_lengths";
    public const string LeapYears = "leap_years";
    public const string YearBoundary = "year_boundary";

    /// <summary>The date format of inputs and options.</summary>
    public const string DateFormat = "MM/dd/yyyy";

    private static readonly string[] Letters = ["(A)", "(B)", "(C)", "(D)", "(E)"];

    public override string Name => "date_arithmetic";

    public override string Description => "Add or subtract days and weeks from a date and pick the MM/DD/YYYY option (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Compute the date the question asks for and choose the matching option.";

    public override string AnswerFormat => "Answer with only the option letter, such as (A), inside <answer></answer> tags.";

    public override IMetric Metric => ChoiceMetric.Instance;

    public override double BaseLogit => -0.2;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            MonthLengths,
            [
                "Use the correct number of days in each month.",
                "Remember how many days each month has.",
                "Months have 28 to 31 days: April, June, September and November have 30.",
                "When counting days across months, use each month's real length: thirty days hath September, April, June and November.",
            ],
            [
                "Count with the true length of every month, 30 or 31 days, and February shorter.",
                "Account for each month's actual number of days when moving across months.",
                "Use real month lengths when stepping from one month into the next.",
            ],
            0.6),
        new(
            LeapYears,
            [
                "Account for leap years.",
                "February has 29 days in a leap year.",
                "A year divisible by 4 is a leap year, except century years not divisible by 400.",
                "Check whether the year is a leap year, because then February has 29 days.",
            ],
            [
                "In a leap year February gets a 29th day; check the year first.",
                "Decide whether the year is a leap year before counting through February.",
                "Remember the extra day in February of leap years.",
            ],
            0.3),
        new(
            YearBoundary,
            [
                "Carry over into the next or previous year when needed.",
                "Roll over the year when passing December or January.",
                "Crossing from December 31 to January 1 changes the year.",
                "When the date moves past the end or the start of the year, update the year as well as the month.",
            ],
            [
                "Change the year when the count passes New Year.",
                "Going past December moves the date into the following year.",
                "Update the year number whenever the date crosses January 1.",
            ],
            0.4),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "thirty_day_months",
            MonthLengths,
            [
                "Assume every month has 30 days.",
                "Treat all months as 30 days long.",
                "Count every month as exactly thirty days when adding or subtracting days.",
            ],
            [
                "Use thirty days for each month to keep the counting simple.",
                "Take every month to be thirty days long.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        var today = DrawDate(rng);
        bool forward = rng.Next(2) == 0;
        int days;
        string phrase;
        if (level == 1 && rng.Next(3) == 0)
        {
            days = 1;
            phrase = forward ? "tomorrow" : "yesterday";
        }
        else
        {
            bool weeks = level == 3 && rng.Next(3) == 0;
            int n = weeks ? rng.Next(10, 53) : level switch { 1 => rng.Next(2, 10), 2 => rng.Next(10, 61), _ => rng.Next(61, 401) };
            days = weeks ? 7 * n : n;
            var unit = weeks ? "weeks" : "days";
            phrase = forward
                ? $"{n.ToString(CultureInfo.InvariantCulture)} {unit} {(rng.Next(2) == 0 ? "after today" : "from today")}"
                : $"{n.ToString(CultureInfo.InvariantCulture)} {unit} {(rng.Next(2) == 0 ? "before today" : "ago")}";
        }

        int offset = forward ? days : -days;
        var answer = today.AddDays(offset);
        var options = Distractors(rng, today, answer, offset).Prepend(answer).ToList();
        Shuffle(rng, options);
        int correct = options.IndexOf(answer);

        var intro = rng.Next(3) switch
        {
            0 => $"Today is {Format(today)}.",
            1 => $"The current date is {Format(today)}.",
            _ => $"It is {Format(today)} today.",
        };
        var lines = options.Select((d, i) => $"{Letters[i]} {Format(d)}");
        var input = $"{intro} What is the date {phrase} in MM/DD/YYYY?\nOptions:\n{string.Join("\n", lines)}";

        var (from, to) = offset > 0 ? (today, answer) : (answer, today);
        var skills = new List<string>();
        if (from.Month != to.Month || from.Year != to.Year)
        {
            skills.Add(MonthLengths);
        }

        if (ContainsLeapDay(from, to))
        {
            skills.Add(LeapYears);
        }

        if (from.Year != to.Year)
        {
            skills.Add(YearBoundary);
        }

        var extra = new Dictionary<string, object> { ["answer_date"] = Format(answer), ["offset_days"] = offset };
        return new GeneratedExample(input, Letters[correct], Letters, level, skills, extra);
    }

    internal static string Format(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static DateOnly DrawDate(Random rng)
    {
        if (rng.Next(4) == 0)
        {
            // Near the end of February in a leap year.
            int year = 1952 + (4 * rng.Next(22));
            return new DateOnly(year, 2, 28).AddDays(rng.Next(-20, 21));
        }

        return new DateOnly(1950, 1, 1).AddDays(rng.Next(0, 365 * 90));
    }

    private static List<DateOnly> Distractors(Random rng, DateOnly today, DateOnly answer, int offset)
    {
        var pool = new List<DateOnly>
        {
            answer.AddDays(1),
            answer.AddDays(-1),
            answer.AddDays(2),
            answer.AddDays(-2),
            answer.AddMonths(1),
            answer.AddMonths(-1),
            answer.AddYears(1),
            answer.AddYears(-1),
            today.AddDays(-offset),
            today,
        };
        if (answer.Day <= 12 && answer.Day != answer.Month)
        {
            pool.Add(new DateOnly(answer.Year, answer.Day, Math.Min(answer.Month, DateTime.DaysInMonth(answer.Year, answer.Day))));
        }

        Shuffle(rng, pool);
        var chosen = new List<DateOnly>();
        foreach (var d in pool)
        {
            if (d != answer && !chosen.Contains(d))
            {
                chosen.Add(d);
            }

            if (chosen.Count == Letters.Length - 1)
            {
                break;
            }
        }

        for (int k = 3; chosen.Count < Letters.Length - 1; k++)
        {
            var d = answer.AddDays(k);
            if (!chosen.Contains(d))
            {
                chosen.Add(d);
            }
        }

        return chosen;
    }

    private static bool ContainsLeapDay(DateOnly from, DateOnly to)
    {
        for (int year = from.Year; year <= to.Year; year++)
        {
            if (DateTime.IsLeapYear(year))
            {
                var leap = new DateOnly(year, 2, 29);
                if (leap > from && leap <= to)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
