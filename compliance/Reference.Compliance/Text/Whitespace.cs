using System.Text;

namespace Reference.Compliance.Text;

/// <summary>
/// duvet's whitespace normalisation: letters and digits are kept, a run of
/// whitespace becomes one space, whitespace next to punctuation disappears
/// ("new-\nline" == "new-line", "test.  Foo" == "test.Foo"), and leading and
/// trailing whitespace is dropped. The offset map gives, for each output
/// index (plus one past the end), the index in the input it came from.
/// </summary>
internal static class Whitespace
{
    public static string Normalize(string value) => Normalize(value, out _);

    public static string Normalize(string value, out int[] offsets)
    {
        var output = new StringBuilder(value.Length);
        var map = new List<int>(value.Length + 1);
        int bufferStart = -1;
        char bufferChar = '\0';
        bool bufferIsSpace = false;
        int lastEnd = 0;

        void Push(int index, char c)
        {
            output.Append(c);
            map.Add(index);
            lastEnd = index + 1;
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsLetterOrDigit(c))
            {
                if (bufferStart >= 0)
                    Push(bufferStart, bufferChar);
                bufferStart = -1;
                Push(i, c);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (bufferStart < 0 && output.Length > 0)
                    (bufferStart, bufferChar, bufferIsSpace) = (i, c, true);
            }
            else
            {
                if (bufferStart >= 0 && !bufferIsSpace)
                    Push(bufferStart, bufferChar);
                (bufferStart, bufferChar, bufferIsSpace) = (i, c, false);
            }
        }
        if (bufferStart >= 0 && !bufferIsSpace)
            Push(bufferStart, bufferChar);
        map.Add(lastEnd);
        offsets = map.ToArray();
        return output.ToString();
    }
}
