using System.Text.Json.Serialization;

namespace ClusterHost.Control;

/// <summary>
/// The source-generated serializer of the control protocol: camelCase names, nulls left out,
/// the <c>type</c> discriminator accepted anywhere in the object (this side writes it first),
/// and a line that lacks a message's parameter or gives null for a non-nullable one rejected.
/// </summary>
#if NET9_0_OR_GREATER
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
#else
// The net8.0 worker build (injected into .NET 8 apps): System.Text.Json 8 has none of the three
// stricter options; the primary, which writes the discriminator first, still checks every line.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
#endif
[JsonSerializable(typeof(ControlMessage))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
