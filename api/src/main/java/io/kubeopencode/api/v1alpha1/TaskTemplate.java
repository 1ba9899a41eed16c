package io.kubeopencode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubeopencode.api.KubeOpenCode;

/** Reusable defaults (description, Agent, contexts, outputs) for Tasks. */
@Group(KubeOpenCode.GROUP)
@Version(KubeOpenCode.VERSION)
@ShortNames("tt")
@Categories(KubeOpenCode.CATEGORY)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class TaskTemplate extends CustomResource<TaskTemplateSpec, TaskTemplateStatus> implements Namespaced {}
