// Models are reached only through the OpenAI-compatible chat API: this is that client.
export { ChatClient, createChatClient, fromWireResponse, toWireRequest } from "./client";
export { LlmError, LlmHttpError, LlmProtocolError, LlmTimeoutError, LlmUnreachableError } from "./errors";
export type { ChatChoice, ChatClientOptions, ChatMessage, ChatModel, ChatRequest, ChatResponse, ChatUsage } from "./types";
