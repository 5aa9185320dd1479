using System.Text.Json.Serialization;

namespace ClusterHost.Control;

/// <summary>
/// The source-generated serializer of the control protocol: camelCase names, nulls left out,
/// the <c>type</c> discriminator accepted anywhere in the object (this side writes it first),
/// and a line that lacks a message's parameter or gives null for a non-nullable one rejected.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ControlMessage))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
