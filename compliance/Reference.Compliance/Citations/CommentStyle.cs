namespace Reference.Compliance.Citations;

/// <summary>The comment prefixes that mark citation metadata and quote lines.</summary>
internal sealed record CommentStyle(string Meta, string Content)
{
    public static readonly CommentStyle Default = new("//=", "//#");
}
