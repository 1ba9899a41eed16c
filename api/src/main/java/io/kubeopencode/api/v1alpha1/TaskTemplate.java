package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubeopencode.api.KubeOpenCode;

@Group(KubeOpenCode.GROUP)
@Version(KubeOpenCode.VERSION)
@ShortNames("tt")
@Categories(KubeOpenCode.CATEGORY)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@JsonClassDescription("A TaskTemplate holds reusable defaults (description, Agent, contexts, outputs) for the Tasks "
    + "that reference it.")
public class TaskTemplate extends CustomResource<TaskTemplateSpec, TaskTemplateStatus> implements Namespaced {}
