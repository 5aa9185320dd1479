using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

/// <summary>
/// A standby process (the primary's <c>--standby</c>): started before it is needed, it warms the
/// runtime and ASP.NET Core, then waits before the app's <c>Main</c> until the primary gives it a
/// slot. None of the app's code runs until then, so a standby has no effect on the app's state,
/// its logs or its databases.
/// </summary>
/// <remarks>
/// Once warm it writes <see cref="WarmMarker"/> on a line of its own to stdout, which the primary
/// reads as "ready to take a slot" (a standby still warming is not given one). The slot arrives as
/// one line on stdin: a JSON object of environment variables to set (a string)
/// or remove (null), a worker's environment less what the standby started with. The end of stdin
/// before that line means the primary is gone or has no more use for the standby: it exits.
/// </remarks>
internal static class Standby
{
    internal const string Variable = "CLUSTERHOST_STANDBY";

    /// <summary>The worker assembly's warm-up: a throw-away web host that serves a few requests.</summary>
    internal const string WarmupType = "ClusterHost.Worker.Internal.StandbyWarmup, " + StartupHook.WorkerAssembly;

    /// <summary>Written to stdout once warm; the primary takes it, and does not forward it.</summary>
    internal const string WarmMarker = "clusterhost:standby:warm";

    /// <summary>Longest slot message read: 1 MiB (a worker's environment is a few KiB).</summary>
    internal const int MaxLineBytes = 1024 * 1024;

    /// <summary>Warms, waits for the slot and applies it; ends the process if none comes.</summary>
    public static void WaitForSlot()
    {
        // Ctrl+C in a terminal reaches the whole process group: the primary ends its standbys itself.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        Warm();
        // The slot's message is parsed on the critical path: its parser is compiled now.
        using (JsonDocument.Parse("{\"CLUSTERHOST_WARM\":null}"))
        {
        }
        Console.Out.Write(WarmMarker + "\n");
        Console.Out.Flush();
        try
        {
            string? line;
            using (var input = Console.OpenStandardInput())
            {
                line = ReadLine(input);
            }
            if (line is null)
            {
                Environment.Exit(0);
            }
            Apply(line);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"clusterhost standby: the slot sent by the primary cannot be read ({e.Message}); exiting");
            Environment.Exit(70);
        }
    }

    private static void Warm()
    {
        try
        {
            var method = Type.GetType(WarmupType, throwOnError: false)?.GetMethod("Run", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
            method?.Invoke(null, null);
        }
        catch (Exception e)
        {
            // The standby is then no faster than a cold start, but as correct.
            Console.Error.WriteLine($"clusterhost standby: warm-up failed, continuing unwarmed: {(e.InnerException ?? e).Message}");
        }
    }

    /// <summary>One line of UTF-8 from <paramref name="input"/>, read a byte at a time (nothing after it is consumed); null at its end.</summary>
    internal static string? ReadLine(Stream input)
    {
        var bytes = new MemoryStream();
        while (true)
        {
            var b = input.ReadByte();
            if (b < 0)
            {
                return null;
            }
            if (b == '\n')
            {
                return Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
            }
            if (bytes.Length >= MaxLineBytes)
            {
                throw new InvalidOperationException($"the slot message is longer than {MaxLineBytes} bytes");
            }
            bytes.WriteByte((byte)b);
        }
    }

    /// <summary>Sets and removes the variables <paramref name="line"/> names.</summary>
    internal static void Apply(string line)
    {
        using var document = JsonDocument.Parse(line);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("the slot message is not a JSON object");
        }
        foreach (var variable in document.RootElement.EnumerateObject())
        {
            var value = variable.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => variable.Value.GetString(),
                _ => throw new InvalidOperationException($"the value of {variable.Name} is neither a string nor null"),
            };
            Environment.SetEnvironmentVariable(variable.Name, value);
        }
    }
}
