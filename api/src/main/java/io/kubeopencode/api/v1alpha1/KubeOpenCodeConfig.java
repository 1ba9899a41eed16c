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
@ShortNames("ktc")
@Categories(KubeOpenCode.CATEGORY)
@ValidationRule(value = "self.metadata.name == '" + KubeOpenCode.CONFIG_NAME + "'", reason = "FieldValueInvalid",
    message = "metadata.name must be '" + KubeOpenCode.CONFIG_NAME + "': a namespace has one KubeOpenCodeConfig,"
        + " named '" + KubeOpenCode.CONFIG_NAME + "'")
@AdditionalPrinterColumn(name = "TTL", jsonPath = ".spec.cleanup.ttlSecondsAfterFinished", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "MaxRetained", jsonPath = ".spec.cleanup.maxRetainedTasks", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@JsonClassDescription("KubeOpenCodeConfig governs its namespace: the system images and the retention of finished "
    + "Tasks. One per namespace, named default.")
public class KubeOpenCodeConfig extends CustomResource<KubeOpenCodeConfigSpec, Void> implements Namespaced {}
