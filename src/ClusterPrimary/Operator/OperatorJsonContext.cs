using System.Text.Json.Serialization;
using ClusterHost.Primary.Status;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// The source-generated serializer of the operator protocol and of <c>status --json</c>: the
/// options of the worker control protocol (camelCase, nulls left out, strict about missing and
/// null parameters).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(OperatorMessage))]
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(StatusPageData))]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;
