namespace PromptOpt.Telemetry;

/// <summary>
/// Attribute (tag) names PromptOpt puts on spans and metrics: the OpenTelemetry GenAI semantic-convention names where
/// one exists, <c>promptopt.*</c> otherwise.
/// </summary>
public static class TelemetryAttributes
{
    /// <summary><c>gen_ai.operation.name</c>: always <c>chat</c> for model calls.</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary><c>gen_ai.provider.name</c>: the provider, from the client's <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/>.</summary>
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary><c>gen_ai.request.model</c>: the model requested.</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary><c>gen_ai.request.temperature</c>.</summary>
    public const string RequestTemperature = "gen_ai.request.temperature";

    /// <summary><c>gen_ai.request.max_tokens</c>.</summary>
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";

    /// <summary><c>gen_ai.response.model</c>: the model that answered.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary><c>gen_ai.response.finish_reasons</c>.</summary>
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";

    /// <summary><c>gen_ai.usage.input_tokens</c>.</summary>
    public const string InputTokens = "gen_ai.usage.input_tokens";

    /// <summary><c>gen_ai.usage.output_tokens</c>.</summary>
    public const string OutputTokens = "gen_ai.usage.output_tokens";

    /// <summary><c>gen_ai.token.type</c> on the <c>promptopt.tokens</c> counter: <c>input</c> or <c>output</c>.</summary>
    public const string TokenType = "gen_ai.token.type";

    /// <summary><c>error.type</c>: the exception type of a failed call.</summary>
    public const string ErrorType = "error.type";

    /// <summary><c>promptopt.role</c>: the model role (<c>task</c>, <c>optimizer</c>, <c>agent</c>, <c>test</c>).</summary>
    public const string Role = Models.ChatOptionKeys.Role;

    /// <summary><c>promptopt.op</c>: the LLM operation name (its arguments are not recorded).</summary>
    public const string Operation = Models.ChatOptionKeys.Operation;

    /// <summary><c>promptopt.cache_hit</c>: whether the response came from the response cache.</summary>
    public const string CacheHit = Models.ChatOptionKeys.CacheHit;

    /// <summary><c>promptopt.run.id</c>.</summary>
    public const string RunId = "promptopt.run.id";

    /// <summary><c>promptopt.method</c>.</summary>
    public const string Method = "promptopt.method";

    /// <summary><c>promptopt.seed</c>.</summary>
    public const string Seed = "promptopt.seed";

    /// <summary><c>promptopt.step</c>: the 1-based step.</summary>
    public const string Step = "promptopt.step";

    /// <summary><c>promptopt.steps.total</c>: the planned number of steps.</summary>
    public const string TotalSteps = "promptopt.steps.total";

    /// <summary><c>promptopt.step.detail</c>: what the step does.</summary>
    public const string StepDetail = "promptopt.step.detail";

    /// <summary><c>promptopt.eval.examples</c>: the number of examples evaluated.</summary>
    public const string Examples = "promptopt.eval.examples";

    /// <summary><c>promptopt.eval.set</c>: which set (<c>train</c>, <c>test</c>, <c>failures</c>, …).</summary>
    public const string EvalSet = "promptopt.eval.set";

    /// <summary><c>promptopt.eval.score</c>: the aggregate score.</summary>
    public const string Score = "promptopt.eval.score";

    /// <summary><c>promptopt.eval.failures</c>: the number of failed examples.</summary>
    public const string Failures = "promptopt.eval.failures";
}
