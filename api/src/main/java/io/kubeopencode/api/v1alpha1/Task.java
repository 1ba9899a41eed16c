package io.kubeopencode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubeopencode.api.KubeOpenCode;

/** One unit of AI work: the controller runs it as a Job with the referenced Agent. */
@Group(KubeOpenCode.GROUP)
@Version(KubeOpenCode.VERSION)
@ShortNames("tk")
@Categories(KubeOpenCode.CATEGORY)
@ValidationRule(value = "has(self.spec)", reason = "FieldValueRequired", message = "spec is required")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Job", jsonPath = ".status.jobName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Start", jsonPath = ".status.startTime", type = Type.DATE, priority = 1)
@AdditionalPrinterColumn(name = "Completion", jsonPath = ".status.completionTime", type = Type.DATE, priority = 1)
public class Task extends CustomResource<TaskSpec, TaskStatus> implements Namespaced {}
