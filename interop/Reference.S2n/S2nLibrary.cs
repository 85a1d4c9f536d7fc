namespace Reference.S2n;

public static class S2nLibrary
{
}
