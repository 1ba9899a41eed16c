package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
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

@Group(KubeOpenCode.GROUP)
@Version(KubeOpenCode.VERSION)
@ShortNames("tk")
@Categories(KubeOpenCode.CATEGORY)
@ValidationRule(value = "has(self.spec)", reason = "FieldValueRequired", message = "spec is required")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".status.podName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Start", jsonPath = ".status.startTime", type = Type.DATE, priority = 1)
@AdditionalPrinterColumn(name = "Completion", jsonPath = ".status.completionTime", type = Type.DATE, priority = 1)
@JsonClassDescription("A Task is one unit of AI work: a prompt with contexts and declared outputs, run as a pod by the"
    + " Agent it references. status.phase goes Pending, Queued, Running, then Completed or Failed.")
public class Task extends CustomResource<TaskSpec, TaskStatus> implements Namespaced {}
