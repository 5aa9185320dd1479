using System.Globalization;

namespace SampleApp.Faults;

/// <summary>Reads the fault endpoints' whole-number query values; a bad one is a 400 with a message.</summary>
internal static class FaultQuery
{
    /// <summary>Parses <paramref name="text"/> as a whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <returns>The value, or null with <paramref name="problem"/> set to a 400 answer naming the parameter and its bounds.</returns>
    public static int? Parse(string? text, string name, int min, int max, out IResult? problem)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            problem = null;
            return value;
        }
        var got = text is null ? "it is missing" : $"got '{text}'";
        problem = BadRequest($"{name} must be a whole number from {min} to {max} ({got})");
        return null;
    }

    public static IResult BadRequest(string message) =>
        Results.Text(message + "\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
}
