using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>
/// Parses the rules expression language: JavaScript-like literals (numbers, quoted strings, booleans, null, regular
/// expressions, arrays), variables, property reads, method calls, <c>! - * / % + &lt; &lt;= &gt; &gt;= == === != !== &amp;&amp; ||</c>
/// and <c>?:</c>. Variables are checked when the rules load, so a typo is a load error rather than a silent denial.
/// </summary>
internal sealed class RuleExpressionParser
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private readonly string _text;
    private readonly IReadOnlySet<string> _variables;
    private int _pos;
    private Token _current;

    private RuleExpressionParser(string text, IReadOnlySet<string> variables)
    {
        _text = text;
        _variables = variables;
        _current = Scan();
    }

    private enum TokenKind
    {
        End,
        Identifier,
        Number,
        String,
        Punctuation,
    }

    /// <summary>Parses an expression.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="variables">The variables in scope (<c>auth</c>, <c>data</c>, …, and the captures of enclosing wildcards).</param>
    /// <exception cref="FormatException">The expression is invalid; the message says where and why.</exception>
    public static RuleExpression Parse(string text, IReadOnlySet<string> variables)
    {
        var parser = new RuleExpressionParser(text, variables);
        var expression = parser.ParseExpression();
        if (parser._current.Kind != TokenKind.End)
        {
            throw parser.Fail($"unexpected '{parser._current.Text}'");
        }

        return expression;
    }

    private RuleExpression ParseExpression()
    {
        var condition = ParseOr();
        if (!TryTake("?"))
        {
            return condition;
        }

        var whenTrue = ParseExpression();
        Expect(":");
        var whenFalse = ParseExpression();
        return new RuleConditional(condition, whenTrue, whenFalse);
    }

    private RuleExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryTake("||"))
        {
            left = new RuleLogical(false, left, ParseAnd());
        }

        return left;
    }

    private RuleExpression ParseAnd()
    {
        var left = ParseEquality();
        while (TryTake("&&"))
        {
            left = new RuleLogical(true, left, ParseEquality());
        }

        return left;
    }

    private RuleExpression ParseEquality()
    {
        var left = ParseRelational();
        while (_current.Kind == TokenKind.Punctuation && _current.Text is "==" or "===" or "!=" or "!==")
        {
            var op = Take().Text;
            left = new RuleBinary(op, left, ParseRelational());
        }

        return left;
    }

    private RuleExpression ParseRelational()
    {
        var left = ParseAdditive();
        while (_current.Kind == TokenKind.Punctuation && _current.Text is "<" or "<=" or ">" or ">=")
        {
            var op = Take().Text;
            left = new RuleBinary(op, left, ParseAdditive());
        }

        return left;
    }

    private RuleExpression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (_current.Kind == TokenKind.Punctuation && _current.Text is "+" or "-")
        {
            var op = Take().Text;
            left = new RuleBinary(op, left, ParseMultiplicative());
        }

        return left;
    }

    private RuleExpression ParseMultiplicative()
    {
        var left = ParseUnary();
        while (_current.Kind == TokenKind.Punctuation && _current.Text is "*" or "/" or "%")
        {
            var op = Take().Text;
            left = new RuleBinary(op, left, ParseUnary());
        }

        return left;
    }

    private RuleExpression ParseUnary()
    {
        if (TryTake("!"))
        {
            return new RuleUnary('!', ParseUnary());
        }

        if (TryTake("-"))
        {
            return new RuleUnary('-', ParseUnary());
        }

        return ParsePostfix(ParsePrimary());
    }

    private RuleExpression ParsePostfix(RuleExpression expression)
    {
        while (true)
        {
            if (TryTake("."))
            {
                if (_current.Kind != TokenKind.Identifier)
                {
                    throw Fail("expected a property or method name after '.'");
                }

                var name = Take().Text;
                if (TryTake("("))
                {
                    expression = new RuleMethodCall(expression, name, ParseArguments());
                }
                else
                {
                    expression = new RuleMember(expression, new RuleLiteral(name));
                }
            }
            else if (TryTake("["))
            {
                var key = ParseExpression();
                Expect("]");
                expression = new RuleMember(expression, key);
            }
            else if (_current.Kind == TokenKind.Punctuation && _current.Text == "(")
            {
                throw Fail("only methods can be called (write target.method(...))");
            }
            else
            {
                return expression;
            }
        }
    }

    private List<RuleExpression> ParseArguments()
    {
        var args = new List<RuleExpression>();
        if (TryTake(")"))
        {
            return args;
        }

        do
        {
            args.Add(ParseExpression());
        }
        while (TryTake(","));
        Expect(")");
        return args;
    }

    private RuleExpression ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Take();
                return new RuleLiteral(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.String:
                Take();
                return new RuleLiteral(token.Value);
            case TokenKind.Identifier:
                Take();
                switch (token.Text)
                {
                    case "true":
                        return new RuleLiteral(true);
                    case "false":
                        return new RuleLiteral(false);
                    case "null":
                        return new RuleLiteral(null);
                }

                if (!_variables.Contains(token.Text))
                {
                    throw Fail($"unknown variable '{token.Text}'", token.Start);
                }

                return new RuleVariable(token.Text);
            case TokenKind.Punctuation when token.Text == "(":
            {
                Take();
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }

            case TokenKind.Punctuation when token.Text == "[":
            {
                Take();
                var items = new List<RuleExpression>();
                if (!TryTake("]"))
                {
                    do
                    {
                        items.Add(ParseExpression());
                    }
                    while (TryTake(","));
                    Expect("]");
                }

                return new RuleArray(items);
            }

            case TokenKind.Punctuation when token.Text == "/":
                return new RuleLiteral(ScanRegex(token.Start));
            case TokenKind.End:
                throw Fail("unexpected end of expression");
            default:
                throw Fail($"unexpected '{token.Text}'");
        }
    }

    private Regex ScanRegex(int start)
    {
        var i = start + 1;
        var inClass = false;
        var pattern = new StringBuilder();
        for (; ; i++)
        {
            if (i >= _text.Length)
            {
                throw Fail("unterminated regular expression", start);
            }

            var c = _text[i];
            if (c == '\\' && i + 1 < _text.Length)
            {
                pattern.Append(c).Append(_text[++i]);
                continue;
            }

            if (c == '/' && !inClass)
            {
                break;
            }

            inClass = c switch
            {
                '[' => true,
                ']' => false,
                _ => inClass,
            };
            pattern.Append(c);
        }

        i++;
        var options = RegexOptions.CultureInvariant;
        while (i < _text.Length && char.IsAsciiLetter(_text[i]))
        {
            options |= _text[i] == 'i' ? RegexOptions.IgnoreCase : throw Fail($"unsupported regular expression flag '{_text[i]}'", i);
            i++;
        }

        _pos = i;
        _current = Scan();
        try
        {
            return new Regex(pattern.ToString(), options, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw Fail($"invalid regular expression ({ex.Message})", start);
        }
    }

    private bool TryTake(string punctuation)
    {
        if (_current.Kind == TokenKind.Punctuation && _current.Text == punctuation)
        {
            Take();
            return true;
        }

        return false;
    }

    private void Expect(string punctuation)
    {
        if (!TryTake(punctuation))
        {
            throw Fail(_current.Kind == TokenKind.End ? $"expected '{punctuation}' before the end" : $"expected '{punctuation}', found '{_current.Text}'");
        }
    }

    private Token Take()
    {
        var token = _current;
        _current = Scan();
        return token;
    }

    private Token Scan()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }

        var start = _pos;
        if (_pos >= _text.Length)
        {
            return new Token(TokenKind.End, string.Empty, null, start);
        }

        var c = _text[_pos];
        if (char.IsAsciiLetter(c) || c is '_' or '$')
        {
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '$'))
            {
                _pos++;
            }

            return new Token(TokenKind.Identifier, _text[start.._pos], null, start);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1])))
        {
            while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.'))
            {
                _pos++;
            }

            if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
            {
                _pos++;
                if (_pos < _text.Length && _text[_pos] is '+' or '-')
                {
                    _pos++;
                }

                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }
            }

            var number = _text[start.._pos];
            return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? new Token(TokenKind.Number, number, null, start)
                : throw Fail($"invalid number '{number}'", start);
        }

        if (c is '\'' or '"')
        {
            return ScanString(c, start);
        }

        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return new Token(TokenKind.Punctuation, op, null, start);
            }
        }

        throw Fail($"unexpected character '{c}'", start);
    }

    private static readonly string[] Operators =
        ["===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",", "?", ":"];

    private Token ScanString(char quote, int start)
    {
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Fail("unterminated string", start);
            }

            var c = _text[_pos++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw Fail("unterminated string", start);
            }

            var e = _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '0': sb.Append('\0'); break;
                case 'u' when _pos + 4 <= _text.Length &&
                              int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                case 'u':
                    throw Fail("invalid \\u escape", _pos - 2);
                default: sb.Append(e); break;
            }
        }

        return new Token(TokenKind.String, _text[start.._pos], sb.ToString(), start);
    }

    private FormatException Fail(string problem, int? at = null) =>
        new($"{problem} at character {(at ?? _current.Start) + 1} of \"{_text}\"");

    private readonly record struct Token(TokenKind Kind, string Text, string? Value, int Start);
}
