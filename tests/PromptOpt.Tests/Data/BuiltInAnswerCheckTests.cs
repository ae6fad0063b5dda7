using System.Globalization;
using System.Text.RegularExpressions;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;

namespace PromptOpt.Tests.Data;

/// <summary>Re-derives every built-in task's answers from the input text alone, with code independent of the generators.</summary>
public sealed class BuiltInAnswerCheckTests
{
    private static IEnumerable<Example> Examples(string name) =>
        BuiltInTasks.Create(name, seed: 17, trainSize: 100, testSize: 150).Dataset.All;

    [Fact]
    public void MultistepArithmetic_TargetsEqualAnIndependentParser()
    {
        foreach (var e in Examples("multistep_arithmetic"))
        {
            Assert.EndsWith(" =", e.Input);
            long value = new ArithmeticParser(e.Input[..^2]).Parse();
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), e.Target);
        }
    }

    [Fact]
    public void MultistepArithmetic_TargetsAgreeWithDataTableCompute()
    {
        foreach (var e in Examples("multistep_arithmetic").Take(60))
        {
            var computed = new System.Data.DataTable().Compute(e.Input[..^2].Replace("- -", "- (-1) * ", StringComparison.Ordinal), null);
            Assert.Equal(long.Parse(e.Target, CultureInfo.InvariantCulture), Convert.ToInt64(computed, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void BooleanExpressions_TargetsEqualAnIndependentParser()
    {
        foreach (var e in Examples("boolean_expressions"))
        {
            Assert.EndsWith(" is", e.Input);
            bool value = new BooleanParser(e.Input[..^3]).Parse();
            Assert.Equal(value ? "True" : "False", e.Target);
            Assert.Equal(["True", "False"], e.Choices!);
        }
    }

    [Fact]
    public void Navigate_TargetsEqualAReSimulation()
    {
        foreach (var e in Examples("navigate"))
        {
            var body = e.Input.Split('\n')[0];
            Assert.StartsWith("If you follow these instructions, do you return to the starting point?", body);
            int x = 0, y = 0, dx = 0, dy = 1; // facing north
            bool fixedFacing = body.Contains("Always face forward.", StringComparison.Ordinal);
            foreach (Match m in Regex.Matches(body, @"(Take (\d+) steps?(?: (forward|backward|left|right))?\.)|(Turn (left|right|around)\.)"))
            {
                if (m.Groups[1].Success)
                {
                    int n = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                    switch (m.Groups[3].Value)
                    {
                        case "forward": y += n; break;
                        case "backward": y -= n; break;
                        case "left": x -= n; break;
                        case "right": x += n; break;
                        default:
                            Assert.False(fixedFacing);
                            x += dx * n;
                            y += dy * n;
                            break;
                    }
                }
                else
                {
                    (dx, dy) = m.Groups[5].Value switch
                    {
                        "right" => (dy, -dx),
                        "left" => (-dy, dx),
                        _ => (-dx, -dy),
                    };
                }
            }

            Assert.Equal(x == 0 && y == 0 ? "Yes" : "No", e.Target);
        }
    }

    [Fact]
    public void DateArithmetic_TargetsEqualDateTimeArithmetic()
    {
        foreach (var e in Examples("date_arithmetic"))
        {
            var today = DateTime.ParseExact(Regex.Match(e.Input, @"\d\d/\d\d/\d{4}").Value, "MM/dd/yyyy", CultureInfo.InvariantCulture);
            var q = Regex.Match(e.Input, @"What is the date (?:(\d+) (days|weeks) (after today|from today|before today|ago)|(tomorrow|yesterday)) in MM/DD/YYYY\?");
            Assert.True(q.Success, e.Input);
            int offset = q.Groups[4].Success
                ? (q.Groups[4].Value == "tomorrow" ? 1 : -1)
                : int.Parse(q.Groups[1].Value, CultureInfo.InvariantCulture) * (q.Groups[2].Value == "weeks" ? 7 : 1)
                  * (q.Groups[3].Value is "after today" or "from today" ? 1 : -1);
            var expected = today.AddDays(offset).ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);

            var options = Regex.Matches(e.Input, @"^(\([A-E]\)) (\d\d/\d\d/\d{4})$", RegexOptions.Multiline);
            Assert.Equal(5, options.Count);
            Assert.Equal(5, options.Select(o => o.Groups[2].Value).Distinct().Count());
            var correct = Assert.Single(options, o => o.Groups[2].Value == expected);
            Assert.Equal(correct.Groups[1].Value, e.Target);
        }
    }

    [Fact]
    public void WordSorting_TargetsEqualOrdinalSort()
    {
        foreach (var e in Examples("word_sorting"))
        {
            const string Prefix = "Sort the following words alphabetically: List: ";
            Assert.StartsWith(Prefix, e.Input);
            var words = e.Input[Prefix.Length..].Split(' ');
            Array.Sort(words, string.CompareOrdinal);
            Assert.Equal(string.Join(" ", words), e.Target);
        }
    }

    [Fact]
    public void ObjectCounting_TargetsEqualASeparateParseOfTheList()
    {
        string[] numberWords = ["zero", "one", "two", "three", "four", "five"];
        foreach (var e in Examples("object_counting"))
        {
            var m = Regex.Match(e.Input, @"^I have (.+)\. How many (.+) do I have\?$");
            Assert.True(m.Success, e.Input);
            var asked = m.Groups[2].Value;
            Assert.Equal(asked, e.Meta!["category"].GetString());

            // Parse "a violin, two pianos, and a cat" into (count, name) pairs.
            var phrases = Regex.Split(m.Groups[1].Value, @", and |, | and ");
            var parsed = phrases.Select(p =>
            {
                var space = p.IndexOf(' ', StringComparison.Ordinal);
                var head = p[..space];
                int count = head is "a" or "an" ? 1 : Array.IndexOf(numberWords, head);
                Assert.True(count >= 1, $"cannot read a count in \"{p}\"");
                return (Count: count, Name: p[(space + 1)..]);
            }).ToList();

            // Categories of the listed names come from meta (singular form); counts and names come from the text.
            var items = e.Meta["items"].EnumerateArray().Select(i => (
                Name: i.GetProperty("item").GetString()!,
                Count: i.GetProperty("count").GetInt32(),
                Category: i.GetProperty("category").GetString()!)).ToList();
            Assert.Equal(items.Count, parsed.Count);
            Assert.Equal(items.Select(i => i.Count), parsed.Select(p => p.Count));
            Assert.All(parsed.Zip(items), p =>
            {
                if (p.First.Count == 1)
                {
                    Assert.Equal(p.Second.Name, p.First.Name);
                }
                else
                {
                    Assert.Equal(p.Second.Name[0], p.First.Name[0]); // a plural form ("mice" for "mouse")
                }
            });
            int total = parsed.Zip(items).Where(p => p.Second.Category == asked).Sum(p => p.First.Count);
            Assert.Equal(total.ToString(CultureInfo.InvariantCulture), e.Target);
        }
    }

    /// <summary>A tiny recursive-descent parser: expr := term (('+'|'-') term)*, term := factor ('*' factor)*, factor := number | '-' number | '(' expr ')'.</summary>
    private sealed class ArithmeticParser(string text)
    {
        private readonly string[] _tokens = Regex.Matches(text, @"\d+|[()+*-]").Select(m => m.Value).ToArray();
        private int _pos;

        public long Parse()
        {
            long v = Expr();
            Assert.Equal(_tokens.Length, _pos);
            return v;
        }

        private long Expr()
        {
            long v = Term();
            while (_pos < _tokens.Length && _tokens[_pos] is "+" or "-")
            {
                v = _tokens[_pos++] == "+" ? v + Term() : v - Term();
            }

            return v;
        }

        private long Term()
        {
            long v = Factor();
            while (_pos < _tokens.Length && _tokens[_pos] == "*")
            {
                _pos++;
                v *= Factor();
            }

            return v;
        }

        private long Factor()
        {
            var t = _tokens[_pos++];
            if (t == "(")
            {
                long v = Expr();
                Assert.Equal(")", _tokens[_pos++]);
                return v;
            }

            return t == "-" ? -long.Parse(_tokens[_pos++], CultureInfo.InvariantCulture) : long.Parse(t, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A tiny parser with Python's precedence: or &lt; and &lt; not.</summary>
    private sealed class BooleanParser(string text)
    {
        private readonly string[] _tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        private int _pos;

        public bool Parse()
        {
            bool v = Or();
            Assert.Equal(_tokens.Length, _pos);
            return v;
        }

        private bool Or()
        {
            bool v = And();
            while (_pos < _tokens.Length && _tokens[_pos] == "or")
            {
                _pos++;
                bool r = And();
                v = v || r;
            }

            return v;
        }

        private bool And()
        {
            bool v = Not();
            while (_pos < _tokens.Length && _tokens[_pos] == "and")
            {
                _pos++;
                bool r = Not();
                v = v && r;
            }

            return v;
        }

        private bool Not()
        {
            if (_tokens[_pos] == "not")
            {
                _pos++;
                return !Not();
            }

            var t = _tokens[_pos++];
            if (t == "(")
            {
                bool v = Or();
                Assert.Equal(")", _tokens[_pos++]);
                return v;
            }

            return t switch
            {
                "True" => true,
                "False" => false,
                _ => throw new FormatException($"unexpected token {t}"),
            };
        }
    }
}
