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
@ShortNames("ag")
@Categories(KubeOpenCode.CATEGORY)
@ValidationRule(value = "has(self.spec)", reason = "FieldValueRequired", message = "spec is required")
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.runningTasks", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Queued", jsonPath = ".status.queuedTasks", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Max", jsonPath = ".spec.maxConcurrentTasks", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@JsonClassDescription("An Agent says how Tasks run: images, workspace, credentials, shared contexts, service account, "
    + "concurrency limit and start quota.")
public class Agent extends CustomResource<AgentSpec, AgentStatus> implements Namespaced {}
