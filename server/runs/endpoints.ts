// What a run may reach, checked when it is asked for (a 400 naming the field, not a failed job):
// its model endpoint and retriever follow the endpoint rule (configured names; URLs only in
// single-user mode), and an embedded model loads only from the model cache or trained students.
import { checkEndpointChoice } from "@/server/endpoints/registry";
import { EMBEDDED } from "@/server/models/embedded";
import { checkModelRef } from "@/server/models/model-ref";
import type { RunConfig } from "./config";

export function checkRunEndpoints(config: Pick<RunConfig, "modelUrl" | "model" | "retriever">): void {
  checkEndpointChoice(config.modelUrl, "model", "modelUrl");
  checkEndpointChoice(config.retriever, "retriever", "retriever");
  if (config.modelUrl === EMBEDDED) checkModelRef(config.model, "model");
}
